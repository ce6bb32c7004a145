/**
 * The business alarms (issues 14.6, 15): bills failed for good, failed bills left open, Zoho totals
 * that differ from NetSuite's, audit rows in the DEFAULT partition and the Zoho daily quota. A
 * declarative table, part of coverageAlarmSpecs() (alarm-coverage.ts).
 */
import type { AlarmSpec, AlarmTargets } from "./observability.ts";

/** Failed bills (metric and row count), totals that differ, the audit DEFAULT partition, the Zoho daily quota. */
export function businessAlarms(t: AlarmTargets): AlarmSpec[] {
  const app = (metricName: string, statistic: string, period: number, extra: Record<string, string> = {}) => ({
    namespace: t.metricsNamespace,
    metricName,
    dimensions: { Environment: t.environment, ...extra },
    statistic,
    period,
  });
  const quota80 = Math.floor(t.zohoDailyQuota * 0.8);
  return [
    {
      id: "failed-bills",
      runbook: "runbooks/failed-bills.md",
      severity: "warning",
      summary: "A bill failed for good (Zoho refused it): finance must fix and retry it",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: app("PDFsProcessed", "Sum", 300, { Outcome: "failed" }),
    },
    {
      id: "failed-bills-open",
      runbook: "runbooks/failed-bills.md",
      severity: "warning",
      summary: "Failed bills still unresolved for 30 minutes (FailedBillsOpen)",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      metric: app("FailedBillsOpen", "Maximum", 600),
    },
    {
      id: "audit-default-partition",
      runbook: "runbooks/audit-default-partition.md",
      severity: "warning",
      summary: "Audit rows in the DEFAULT partition, or no partition round reported in 12 hours",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "breaching",
      metric: app("AuditDefaultPartitionRows", "Maximum", 43_200),
    },
    {
      id: "bill-total-mismatch",
      runbook: "runbooks/bill-total-mismatch.md",
      severity: "warning",
      summary: "A delivered bill's total in Zoho differs from NetSuite's: finance must check it before paying",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: app("BillTotalMismatch", "Sum", 300),
    },
    {
      id: "zoho-daily-quota",
      runbook: "runbooks/zoho-daily-quota.md",
      severity: "warning",
      summary: `Zoho calls today above 80% of the daily quota (${quota80} of ${t.zohoDailyQuota})`,
      threshold: quota80,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: app("ZohoDailyCallsUsed", "Maximum", 300),
    },
  ];
}
