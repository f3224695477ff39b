import { SignJWT } from "jose";

/** The HS256 secret of the e2e's AUTH=jwt servers (JWT_SECRET). */
export const JWT_SECRET = "e2e-secret-of-at-least-thirty-two-bytes!";

export interface TokenClaims {
  /** The rooms it lets into; absent: any. */
  rooms?: string[];
  role?: "member" | "moderator";
  /** How long it is valid, as jose reads it ("10m", "16s"). */
  expiresIn?: string;
}

/** A sign-in token for `name` (as `sub`), signed with JWT_SECRET as a deployment's identity provider would. */
export function mintToken(name: string, { rooms, role = "member", expiresIn = "10m" }: TokenClaims = {}): Promise<string> {
  return new SignJWT({ role, ...(rooms && { rooms }) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(name)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** When `token` runs out (its `exp`, in ms since epoch). */
export function tokenExpiry(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { exp: number };
  return payload.exp * 1000;
}
