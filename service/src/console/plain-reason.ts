/**
 * A failure reason in words an accounts-payable clerk recognises, from the row's error message and
 * Zoho's last answer. One declarative table, first match wins; the raw text stays visible next to it.
 */
export interface ReasonInput {
  readonly error: string | null;
  readonly zohoStatus: number | null;
  readonly zohoCode: number | null;
  readonly zohoMessage: string | null;
}

export interface PlainReason {
  /** Stable key, used by the Failed bills filter. */
  readonly kind: string;
  readonly text: string;
}

interface Rule {
  readonly kind: string;
  readonly text: string;
  readonly match: (r: ReasonInput, all: string) => boolean;
}

const RULES: readonly Rule[] = [
  {
    kind: "duplicate",
    text: "Zoho Books already has a bill with this number for this vendor",
    match: (r, all) => r.zohoCode === 13011 || /already (been created|exists)|duplicate/i.test(all),
  },
  {
    kind: "vendor",
    text: "Zoho Books does not know this vendor: fix the vendor and retry",
    match: (_r, all) => /vendor_id|vendor named|names no vendor|unknown vendor|ambiguous vendor/i.test(all),
  },
  {
    kind: "mapping",
    text: "An account, item or tax code has no Zoho Books match: fix the lines or the mapping",
    match: (_r, all) => /unmapped|no mapping|account_id|item_id|tax_id|mapping/i.test(all),
  },
  {
    kind: "amount",
    text: "The amounts do not add up (lines, tax or total)",
    match: (_r, all) => /total|amount/i.test(all),
  },
  {
    kind: "credentials",
    text: "Zoho Books refused our sign-in (credentials or organization): on-call must fix it",
    match: (r, all) => r.zohoStatus === 401 || /token|unauthori[sz]ed|organization/i.test(all),
  },
  {
    kind: "pdf",
    text: "The PDF could not be read or was refused by Zoho Books",
    match: (_r, all) => /pdf|file type|file exceeds|attachment|sha-?256|object/i.test(all),
  },
  {
    kind: "unavailable",
    text: "Zoho Books did not answer after several tries (outage or timeout): retry later",
    match: (_r, all) => /gave up after|timed? ?out|ECONN|answered 5\d\d|failed:/i.test(all),
  },
  {
    kind: "data",
    text: "Zoho Books refused the bill's data",
    match: (r) => r.zohoStatus !== null && r.zohoStatus >= 400 && r.zohoStatus < 500,
  },
];

const OTHER: PlainReason = { kind: "other", text: "Delivery failed for another reason (see the details)" };

/** The kinds the Failed bills filter offers, in table order. */
export const REASON_KINDS: readonly PlainReason[] = [...RULES.map(({ kind, text }) => ({ kind, text })), OTHER];

export function plainReason(r: ReasonInput): PlainReason {
  const all = [r.error, r.zohoMessage].filter(Boolean).join(" ");
  const rule = RULES.find((x) => x.match(r, all));
  return rule ? { kind: rule.kind, text: rule.text } : OTHER;
}
