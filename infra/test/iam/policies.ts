/**
 * The policy documents of each role in the synthesized production stack, with the stack's
 * resource references replaced by the stand-in's ARNs (same names: the stand-in's resources are
 * created under the stack's names, in account 123456789012). Nothing is added or removed.
 */
import { resourceNames } from "../../../lib/naming.ts";
import type { Statement } from "../../src/constructs/iam.ts";
import { type EnvironmentConfig, production } from "../../src/environments.ts";
import { type Json, type Synthesized, synth } from "../helpers.ts";
import { ACCOUNT_ID, REGION } from "./stand-in.ts";

/** Production's settings in the stand-in's account and region. */
export const STAND_IN_CONFIG: EnvironmentConfig = {
  ...production,
  name: "iamtest",
  accountId: ACCOUNT_ID,
  region: REGION,
};
export const NAMES = resourceNames(STAND_IN_CONFIG.name, ACCOUNT_ID);
const prefix = `bill-mw-${STAND_IN_CONFIG.name}`;

/** Each process's role, by its name in the stack. */
export const ROLES = {
  ingest: `${prefix}-ingest`,
  worker: `${prefix}-worker`,
  burst: NAMES.burstFunction,
  rotation: NAMES.secretRotationFunction,
  oncall: `${prefix}-oncall`,
  release: `${prefix}-release`,
} as const;
export type RoleKey = keyof typeof ROLES;

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

const REF = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

/** Inline policies (aws_iam_role_policy) of the role named `roleName`, as synthesized. */
export function synthesizedPolicies(s: Synthesized, roleName: string): string[] {
  const roles = s.json.resource.aws_iam_role ?? {};
  const logical = Object.entries(roles).find(([, r]) => r.name === roleName)?.[0];
  if (!logical) throw new Error(`no aws_iam_role named ${roleName}`);
  return Object.values(s.json.resource.aws_iam_role_policy ?? {})
    .filter((p) => String(p.role) === `\${aws_iam_role.${logical}.id}`)
    .map((p) => String(p.policy));
}

/** Where the stand-in's ARN of a referenced resource comes from. */
export interface StandInArns {
  /** moto's secret ARNs (they end in a random suffix), by secret name. */
  readonly secretArn: (name: string) => string;
}

function arnOf(type: string, r: Json, logical: string, a: StandInArns): string {
  switch (type) {
    case "aws_s3_bucket":
      return `arn:aws:s3:::${r.bucket}`;
    case "aws_sqs_queue":
      return `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${r.name}`;
    case "aws_secretsmanager_secret":
      return a.secretArn(String(r.name));
    case "aws_ssm_parameter":
      return `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${r.name}`;
    case "aws_sns_topic":
      return `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${r.name}`;
    case "aws_kms_key":
      return `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${logical}`; // moto's S3, SQS and Secrets Manager never call KMS
    default:
      throw new Error(`no stand-in ARN for ${type}.${logical}`);
  }
}

/** `policy` with every `${type.name.arn}` replaced by the stand-in's ARN, and Terraform's `$${` unescaped. */
export function toStandIn(s: Synthesized, policy: string, a: StandInArns): PolicyDocument {
  const text = policy.replace(REF, (ref, type: string, logical: string, attr: string) => {
    const r = s.json.resource[type]?.[logical];
    if (!r || attr !== "arn") throw new Error(`unresolvable reference ${ref}`);
    return arnOf(type, r, logical, a);
  });
  if (text.includes("${") && !text.includes("$${aws:")) throw new Error(`reference left in ${text.slice(0, 200)}`);
  return JSON.parse(text.replaceAll("$${", "${")) as PolicyDocument;
}

const SQS_BATCHED = new Set(["sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]);

/** Services whose requests moto authorizes against a resource ARN; the others it checks against "*". */
const RESOURCE_JUDGED = new Set(["s3", "sqs"]);

/**
 * The document as moto can judge it: a statement of a service moto authorizes only against "*"
 * (Secrets Manager, CloudWatch, SNS, SSM, Lambda, Auto Scaling, KMS...) gets Resource "*", so its
 * actions are still judged; its resources are checked on the synthesized JSON instead
 * (synthesized.test.ts). S3 and SQS statements keep their ARNs and are judged in full. CloudWatch
 * actions are spelled `monitoring:` (moto takes the prefix from the signing name), and an SQS action
 * also allows its batch operation's name (moto checks `sqs:SendMessageBatch`, IAM `sqs:SendMessage`).
 */
export function forMoto(doc: PolicyDocument): string {
  const statements = doc.Statement.map((st) => {
    const actions = [st.Action].flat();
    const services = new Set(actions.map((a) => a.split(":")[0]!));
    const judged = [...services].every((svc) => RESOURCE_JUDGED.has(svc));
    // moto names an action after the request's signing name (CloudWatch signs as "monitoring") and
    // after the operation (SQS batch calls), where IAM authorizes a batch as its single form.
    const Action = actions.flatMap((a) => {
      const moto = a.replace(/^cloudwatch:/, "monitoring:");
      return SQS_BATCHED.has(a) ? [moto, `${moto}Batch`] : [moto];
    });
    return judged ? { ...st, Action } : { ...st, Action, Resource: "*" };
  });
  return JSON.stringify({ ...doc, Statement: statements });
}

/** The synthesized stack of STAND_IN_CONFIG (memoized by helpers.ts). */
export const standInStack = (): Synthesized => synth(STAND_IN_CONFIG);
