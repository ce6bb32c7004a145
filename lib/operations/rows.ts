/** Row-reading helpers shared by the operations modules. */
import { z } from "zod";
import { sql } from "../db.ts";

/** For statements that return no rows (createDb configures no slonik type aliases). */
export const noRows = sql.type(z.object({}));

/** Timestamps and bigints arrive as strings or numbers; rows carry epoch milliseconds / numbers. */
export const epoch = z.coerce.number();
