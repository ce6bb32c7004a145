/** The size measure behind issue 12's limits: which functions it counts, how long, under which name. */
import t from "tap";
import { longFunctions } from "../sizes.ts";

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i}: number = ${i};`).join("\n");

t.test("functions over the limit, by first to last line, with their names", async (t) => {
  const source = [
    `export function long(a: string): void {\n${body(4)}\n}`, // 6 lines
    `const arrow = async (x: number) => {\n${body(3)}\n};`, // 5 lines
    `class K {\n  method(): void {\n${body(4)}\n  }\n}`, // lines 13-20; the method: 6
    `app.get("/x", (req) => {\n${body(4)}\n});`, // callback: 6 lines
    `function short() {\n${body(2)}\n}`, // 4 lines
    `interface Types {\n${"  a: string;\n".repeat(9)}}`, // stripped: not a function
  ].join("\n");
  const rows = longFunctions("x.ts", source, 4);
  t.same(
    rows.map((r) => [r.name, r.lines, r.line]),
    [
      ["long", 6, 1],
      ["arrow", 5, 7],
      ["method", 6, 13],
      ['get("/x") callback', 6, 20],
    ],
  );
  t.same(longFunctions("x.ts", source, 6), [], "the limit is exclusive");
});

t.test("nested functions are each counted, the outer one with its whole span", async (t) => {
  const source = `function outer() {\n  const inner = () => {\n${body(4)}\n  };\n}`;
  t.same(
    longFunctions("y.js", source.replaceAll(": number", ""), 3).map((r) => [r.name, r.lines]),
    [
      ["outer", 8],
      ["inner", 6],
    ],
  );
});
