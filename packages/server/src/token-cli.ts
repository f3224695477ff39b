// `switchboard token --name ann [--role moderator] [--rooms a,b] [--ttl 3600]` (in the repository
// `npm run token -- ...`): prints a sign-in token for AUTH=jwt, signed with JWT_SECRET (or
// --secret), or --private-key for RS256/ES256. A subcommand, so that the package keeps one bin.
import { parseArgs } from "node:util";
import { z } from "zod";
import { mintToken } from "./auth/mint-token.js";

const usage = `Usage: switchboard token --name <user> [--role member|moderator] [--rooms <room,room>] [--ttl <seconds>]
                          [--secret <secret> | --private-key <pem file>] [--issuer <iss>] [--audience <aud>]
The secret defaults to $JWT_SECRET; --issuer and --audience to $JWT_ISSUER and $JWT_AUDIENCE.`;

const OPTIONS = {
  name: { type: "string" },
  role: { type: "string" },
  rooms: { type: "string" },
  ttl: { type: "string" },
  secret: { type: "string" },
  "private-key": { type: "string" },
  issuer: { type: "string" },
  audience: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs the command on `args` (what follows `token`); resolves with the exit code. */
export async function tokenCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true });
    if (values.help || values.name === undefined) {
      console.log(usage);
      return values.help ? 0 : 2;
    }
    const privateKey = values["private-key"];
    const issuer = values.issuer ?? env.JWT_ISSUER;
    const audience = values.audience ?? env.JWT_AUDIENCE;
    const token = await mintToken({
      name: values.name,
      ...(values.role !== undefined && { role: values.role as "member" | "moderator" }),
      ...(values.rooms !== undefined && { rooms: values.rooms.split(",").map((room) => room.trim()).filter(Boolean) }),
      ...(values.ttl !== undefined && { ttlSeconds: Number(values.ttl) }),
      ...(privateKey === undefined ? { secret: values.secret ?? env.JWT_SECRET } : { privateKey }),
      ...(issuer && { issuer }),
      ...(audience && { audience }),
    });
    console.log(token);
    return 0;
  } catch (error) {
    const reason = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    console.error(`switchboard token: ${reason}\n${usage}`);
    return 2;
  }
}
