/** The one coded error shape and the operations' error built on it. */
import t from "tap";
import { CodedError } from "../errors.ts";
import { OperationError } from "../operations/operation-error.ts";

t.test("CodedError carries code, message, optional status and cause, and names its class", async (t) => {
  const cause = new Error("socket closed");
  const e = new CodedError("ERR_X", "it broke", { statusCode: 503, cause });
  t.same([e.code, e.message, e.statusCode, e.cause, e.name], ["ERR_X", "it broke", 503, cause, "CodedError"]);
  const bare = new CodedError("ERR_Y", "no status");
  t.equal(bare.statusCode, undefined, "no HTTP status unless given");
  t.notOk("cause" in bare, "no cause property unless given");
});

t.test("OperationError is a CodedError with a 4xx status (400 unless given)", async (t) => {
  const e = new OperationError("ERR_BAD_ID", "not a transaction id: x");
  t.ok(e instanceof CodedError);
  t.ok(e instanceof Error);
  t.same([e.name, e.code, e.statusCode], ["OperationError", "ERR_BAD_ID", 400]);
  t.equal(new OperationError("ERR_NOT_FOUND", "gone", 404).statusCode, 404);
});
