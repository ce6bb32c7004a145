/**
 * The SDF project agrees with the code: each script object points at a built file whose @NScriptType
 * matches the object type, declares every parameter config.ts reads, and each custom body field the
 * code writes has its object (file name = scriptid, at most 38 characters), all listed in deploy.xml.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import {
  CONNECTION_PARAMETERS,
  MAP_REDUCE_PARAMETER_PREFIX,
  PARAMETER_SUFFIXES,
  SCHEDULED_PARAMETER_PREFIX,
  SUITELET_PARAMETER_PREFIX,
} from "../ts/core/config.ts";
import { BILL_FIELDS } from "../ts/core/outcome.ts";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
const read = (path: string) => readFileSync(join(SRC, path), "utf8");
const deploy = read("deploy.xml");

const ALL = Object.values(PARAMETER_SUFFIXES);
const CONNECTION = CONNECTION_PARAMETERS.map((p) => PARAMETER_SUFFIXES[p]);
const SCRIPTS = [
  {
    object: "customscript_mw_send_bills_mr",
    root: "mapreducescript",
    type: "MapReduceScript",
    prefix: MAP_REDUCE_PARAMETER_PREFIX,
    suffixes: ALL,
  },
  {
    object: "customscript_mw_send_bill_sl",
    root: "suitelet",
    type: "Suitelet",
    prefix: SUITELET_PARAMETER_PREFIX,
    suffixes: ALL,
  },
  {
    object: "customscript_mw_bill_status_ss",
    root: "scheduledscript",
    type: "ScheduledScript",
    prefix: SCHEDULED_PARAMETER_PREFIX,
    suffixes: CONNECTION,
  },
];

for (const script of SCRIPTS) {
  t.test(`${script.object}: object, file and parameters agree`, async (t) => {
    const xml = read(`Objects/${script.object}.xml`);
    t.match(xml, new RegExp(`^<${script.root} scriptid="${script.object}">`));
    const file = /<scriptfile>\[(\/SuiteScripts\/[^\]]+)\]<\/scriptfile>/.exec(xml)?.[1];
    t.ok(file && existsSync(join(SRC, "FileCabinet", file)), `${file} exists in the File Cabinet folder`);
    t.match(readFileSync(join(SRC, "FileCabinet", file!), "utf8"), new RegExp(`@NScriptType ${script.type}\\n`));
    const declared = [...xml.matchAll(/<scriptcustomfield scriptid="([a-z0-9_]+)">/g)].map((m) => m[1]);
    t.same(
      declared,
      script.suffixes.map((s) => script.prefix + s),
      "declares exactly the parameters it reads",
    );
    t.match(deploy, `<path>~/Objects/${script.object}.xml</path>`);
  });
}

t.test("every custom body field the code writes has its object, listed before the scripts", async (t) => {
  for (const field of Object.values(BILL_FIELDS)) {
    t.ok(field.length <= 38 && field.startsWith("custbody"), field);
    t.match(read(`Objects/${field}.xml`), new RegExp(`^<transactionbodycustomfield scriptid="${field}">`));
    t.ok(deploy.indexOf(`${field}.xml`) < deploy.indexOf("customscript_"), `${field} deploys before the scripts`);
  }
  const objects = readdirSync(join(SRC, "Objects")).filter((f) => f.endsWith(".xml"));
  for (const object of objects) t.match(deploy, `~/Objects/${object}`, `${object} is deployed`);
});

t.test("manifest declares an account customization project needing server-side scripting", async (t) => {
  const manifest = read("manifest.xml");
  t.match(manifest, /<manifest projecttype="ACCOUNTCUSTOMIZATION">/);
  t.match(manifest, /<feature required="true">SERVERSIDESCRIPTING<\/feature>/);
  t.match(deploy, "<path>~/FileCabinet/SuiteScripts/bill_middleware/*</path>");
});
