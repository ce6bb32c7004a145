/** What the stack's layers hand each other (bill-middleware-stack.ts, application.ts, operations.ts). */
import type { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import type { ResourceNames } from "../../../lib/naming.ts";
import type { BurstConsumer } from "../constructs/burst-consumer.ts";
import type { Cache } from "../constructs/cache.ts";
import type { Compute } from "../constructs/compute.ts";
import type { Database } from "../constructs/database.ts";
import type { Edge } from "../constructs/edge.ts";
import type { KmsKeys } from "../constructs/kms-keys.ts";
import type { Network } from "../constructs/network.ts";
import type { NodeFunctionProps } from "../constructs/node-function.ts";
import type { Observability } from "../constructs/observability.ts";
import type { Queue } from "../constructs/queue.ts";
import type { Secrets } from "../constructs/secrets.ts";
import type { SecurityGroups } from "../constructs/security-groups.ts";
import type { Storage } from "../constructs/storage.ts";
import type { EnvironmentConfig } from "../environments.ts";
import type { Fleet } from "./fleet.ts";
import type { ResourceArns } from "./role-statements.ts";

/** The environment, its resource names (lib/naming.ts) and the `bill-mw-<env>` prefix. */
export interface StackContext {
  readonly config: EnvironmentConfig;
  readonly names: ResourceNames;
  readonly namePrefix: string;
}

/** Keys, network, storage, queue, secrets and the release parameter. */
export interface Foundation {
  readonly keys: KmsKeys;
  readonly network: Network;
  readonly sgs: SecurityGroups;
  readonly storage: Storage;
  readonly queue: Queue;
  readonly secrets: Secrets;
  readonly release: SsmParameter;
}

export interface DataStores {
  readonly database: Database;
  readonly cache: Cache;
}

/** Props every Lambda of the stack shares (the burst consumer and the secret rotation). */
export type FunctionBase = Pick<
  NodeFunctionProps,
  | "artifactsBucket"
  | "initialReleaseVersion"
  | "subnetIds"
  | "securityGroupId"
  | "envKeyArn"
  | "logsKeyArn"
  | "logRetentionDays"
>;

export interface Application {
  readonly edge: Edge;
  /** The tier behind the ALB (fleet.front): its ASG is the one alarms, dashboards and release name. */
  readonly compute: Compute;
  /** Both tiers and the on-call and release roles (fleet.ts). */
  readonly fleet: Fleet;
  /** Each listed resource's ARNs, for the roles built later (rotation, operations.ts). */
  readonly arns: ResourceArns;
  readonly burst: BurstConsumer;
  readonly functionBase: FunctionBase;
}

export interface Operations {
  readonly observability: Observability;
}
