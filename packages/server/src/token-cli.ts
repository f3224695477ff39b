#!/usr/bin/env node
// `npm run token -- --name ann [--role moderator] [--rooms a,b] [--ttl 3600]`: prints a sign-in
// token for AUTH=jwt, signed with JWT_SECRET (or --secret), or --private-key for RS256/ES256.
import { parseArgs } from "node:util";
import { z } from "zod";
import { mintToken } from "./auth/mint-token.js";

const usage = `Usage: switchboard-token --name <user> [--role member|moderator] [--rooms <room,room>] [--ttl <seconds>]
                         [--secret <secret> | --private-key <pem file>] [--issuer <iss>] [--audience <aud>]
The secret defaults to $JWT_SECRET; --issuer and --audience to $JWT_ISSUER and $JWT_AUDIENCE.`;

try {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      role: { type: "string" },
      rooms: { type: "string" },
      ttl: { type: "string" },
      secret: { type: "string" },
      "private-key": { type: "string" },
      issuer: { type: "string" },
      audience: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help || values.name === undefined) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const privateKey = values["private-key"];
  const token = await mintToken({
    name: values.name,
    ...(values.role !== undefined && { role: values.role as "member" | "moderator" }),
    ...(values.rooms !== undefined && { rooms: values.rooms.split(",").map((room) => room.trim()).filter(Boolean) }),
    ...(values.ttl !== undefined && { ttlSeconds: Number(values.ttl) }),
    ...(privateKey === undefined ? { secret: values.secret ?? process.env.JWT_SECRET } : { privateKey }),
    ...((values.issuer ?? process.env.JWT_ISSUER) && { issuer: values.issuer ?? process.env.JWT_ISSUER }),
    ...((values.audience ?? process.env.JWT_AUDIENCE) && { audience: values.audience ?? process.env.JWT_AUDIENCE }),
  });
  console.log(token);
} catch (error) {
  const reason = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
  console.error(`switchboard-token: ${reason}\n${usage}`);
  process.exit(2);
}
