/** /health/live and /health/ready */
import { Type } from "typebox";

export const Live = Type.Object({ status: Type.Literal("ok") });

const Check = Type.Object({ ok: Type.Boolean(), ms: Type.Number(), error: Type.Optional(Type.String()) });
export const Ready = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  checks: Type.Object({ db: Check, redis: Check, queue: Check }),
});
