import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { Role } from "@switchboard/protocol";
import { SignJWT } from "jose";
import { z } from "zod";

/** What a minted token says (see `Claims` in token-verifier.ts). */
export const MintOptions = z
  .object({
    name: z.string().min(1),
    role: Role.default("member"),
    /** Rooms it lets into; absent: any. */
    rooms: z.array(z.string().min(1)).optional(),
    ttlSeconds: z.number().int().positive().default(3600),
    /** HS256 with this secret... */
    secret: z.string().min(32, "use at least 32 characters").optional(),
    /** ...or RS256/ES256 with this PEM private key (text or file path). */
    privateKey: z.string().min(1).optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
  })
  .refine((options) => Boolean(options.secret) !== Boolean(options.privateKey), "give a secret (--secret or JWT_SECRET) or --private-key, not both");
export type MintOptions = z.input<typeof MintOptions>;

/** A sign-in token for trying AUTH=jwt out (`npm run token`), signed as an identity provider would. */
export async function mintToken(input: MintOptions, now = Date.now()): Promise<string> {
  const options = MintOptions.parse(input);
  const claims = { name: options.name, role: options.role, ...(options.rooms && { rooms: options.rooms }) };
  let jwt = new SignJWT(claims).setSubject(options.name).setIssuedAt(Math.floor(now / 1000)).setExpirationTime(Math.floor(now / 1000) + options.ttlSeconds);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  if (options.secret) return jwt.setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(options.secret));
  const pem = options.privateKey!.includes("-----BEGIN") ? options.privateKey! : readFileSync(options.privateKey!, "utf8");
  const key = createPrivateKey(pem);
  return jwt.setProtectedHeader({ alg: key.asymmetricKeyType === "ec" ? "ES256" : "RS256", typ: "JWT" }).sign(key);
}
