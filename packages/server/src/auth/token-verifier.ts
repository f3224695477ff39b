import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { checkRoomName, checkUsername, Role, type Identity } from "@switchboard/protocol";
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Config } from "../config.js";
import { ProtocolError } from "../wire/protocol-error.js";

export type AuthConfig = Pick<Config, "auth" | "jwtSecret" | "jwtPublicKey" | "jwtJwksUrl" | "jwtIssuer" | "jwtAudience">;

/**
 * The claims a sign-in token gives (docs/operations.md, "Sign-in tokens"): the user's name
 * (`name`, else `sub`), the rooms it may join (`rooms`; absent: any), its `role` and `exp`.
 */
const Claims = z.object({
  sub: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
  rooms: z.array(z.string().max(256)).max(256).optional(),
  role: Role.default("member"),
  exp: z.number(),
});

/** Checks sign-in tokens (AUTH=jwt): who a token says its holder is, or the protocol error saying why not. */
export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/** Clocks drift: a token is taken this long before `nbf` and after `exp`. */
const CLOCK_TOLERANCE_S = 5;

/** The verifier of `config`'s key, or undefined in AUTH=open. */
export function createTokenVerifier(config: AuthConfig): TokenVerifier | undefined {
  if (config.auth !== "jwt") return undefined;
  const { key, algorithms } = verificationKey(config);
  const options = {
    algorithms,
    requiredClaims: ["exp"],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(config.jwtIssuer && { issuer: config.jwtIssuer }),
    ...(config.jwtAudience && { audience: config.jwtAudience }),
  };
  return {
    async verify(token) {
      let payload: unknown;
      try {
        // jose's overloads take a key or a key getter: both are what `verificationKey` gives.
        payload = (await jwtVerify(token, key as Uint8Array, options)).payload;
      } catch (error) {
        throw refusal(error);
      }
      return identityOf(payload);
    },
  };
}

function verificationKey(config: AuthConfig): { key: Uint8Array | KeyObject | JWTVerifyGetKey; algorithms: string[] } {
  if (config.jwtSecret) return { key: new TextEncoder().encode(config.jwtSecret), algorithms: ["HS256"] };
  if (config.jwtJwksUrl) return { key: createRemoteJWKSet(new URL(config.jwtJwksUrl)), algorithms: ["RS256", "ES256"] };
  const pem = config.jwtPublicKey!.includes("-----BEGIN") ? config.jwtPublicKey! : readFileSync(config.jwtPublicKey!, "utf8");
  const key = createPublicKey(pem);
  return { key, algorithms: key.asymmetricKeyType === "ec" ? ["ES256"] : ["RS256"] };
}

/** What the client is told; the key server being unreachable is ours, not the token's. */
function refusal(error: unknown): ProtocolError {
  if (error instanceof errors.JWTExpired) return new ProtocolError("token-expired");
  if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && !(error instanceof errors.JOSEError))) {
    return new ProtocolError("unavailable", "The server cannot reach its sign-in key server.");
  }
  if (error instanceof errors.JWTClaimValidationFailed) return new ProtocolError("invalid-token", `Its "${error.claim}" claim is not accepted.`);
  if (error instanceof errors.JOSEError) return new ProtocolError("invalid-token", detailOf(error));
  return new ProtocolError("invalid-token");
}

function detailOf(error: errors.JOSEError): string {
  switch (error.code) {
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "Its signature does not verify.";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "It is signed with an algorithm this server does not accept.";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "No key of the server's key set matches it.";
    default:
      return "It is malformed.";
  }
}

function identityOf(payload: unknown): Identity {
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new ProtocolError("invalid-token", "Its claims are malformed (name or sub, rooms, role, exp).");
  const { sub, name: nameClaim, rooms, role, exp } = claims.data;
  const name = checkUsername(nameClaim ?? sub);
  if (!name.ok) throw new ProtocolError("invalid-token", `Its name is not a user name: ${name.reason}`);
  const identity: Identity = { name: name.name, role, expiresAt: exp * 1000 };
  if (rooms === undefined) return identity;
  const checked = rooms.map((room) => checkRoomName(room));
  const bad = checked.find((room) => !room.ok);
  if (bad && !bad.ok) throw new ProtocolError("invalid-token", `A room in it is not a room name: ${bad.reason}`);
  return { ...identity, rooms: checked.map((room) => (room.ok ? room.name : "")) };
}
