/** Small helpers for IAM JSON: every policy in the stack is a literal document, reviewable in the synth output. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export const policyDocument = (statements: readonly Statement[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** Trust policy letting one AWS service assume the role. */
export const assumeRolePolicy = (service: string): string =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
