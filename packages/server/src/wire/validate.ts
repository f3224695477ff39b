import type { z } from "zod";
import { ProtocolError } from "./protocol-error.js";

/** `message` as `schema` has it, or an `invalid-message` error naming the first problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, message: unknown): z.output<Schema> {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `"${issue.path.join(".")}": ` : "";
  throw new ProtocolError("invalid-message", `${where}${issue.message}`);
}
