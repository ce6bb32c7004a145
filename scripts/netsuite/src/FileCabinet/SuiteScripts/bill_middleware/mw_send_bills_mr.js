/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 * @description Sends vendor-bill PDFs not yet delivered to the bill middleware (POST /api/v1/bills).
 * Built from scripts/netsuite/ts/entries/mw_send_bills_mr.ts by scripts/netsuite/build.ts; do not edit the .js.
 */
define(["N/crypto","N/encode","N/file","N/https","N/log","N/record","N/runtime","N/search"], function (crypto, encode, file, https, log, record, runtime, search) {
  "use strict";
  var __mwBundle = (() => {
    var __defProp = Object.defineProperty;
    var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
    var __getOwnPropNames = Object.getOwnPropertyNames;
    var __hasOwnProp = Object.prototype.hasOwnProperty;
    var __export = (target, all) => {
      for (var name in all)
        __defProp(target, name, { get: all[name], enumerable: true });
    };
    var __copyProps = (to, from, except, desc) => {
      if (from && typeof from === "object" || typeof from === "function") {
        for (let key of __getOwnPropNames(from))
          if (!__hasOwnProp.call(to, key) && key !== except)
            __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
      }
      return to;
    };
    var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

    // ts/entries/mw_send_bills_mr.ts
    var mw_send_bills_mr_exports = {};
    __export(mw_send_bills_mr_exports, {
      create: () => create,
      dependencies: () => dependencies,
      entryPointNames: () => entryPointNames
    });

    // ts/core/outcome.ts
    var BILL_FIELDS = {
      transactionId: "custbody_mw_txn_id",
      status: "custbody_mw_status",
      error: "custbody_mw_error",
      zohoBillId: "custbody_mw_zoho_bill_id"
    };
    var SEND_STATUSES = ["SENT", "RETRY", "CONFLICT", "REJECTED", "SKIPPED", "ERROR"];
    var RETRY_STATUSES = ["RETRY"];
    var MAX_ERROR_LENGTH = 3900;
    function billFieldValues(outcome) {
      const values = {
        [BILL_FIELDS.status]: outcome.status,
        [BILL_FIELDS.error]: outcome.status === "SENT" ? "" : truncate(outcome.message, MAX_ERROR_LENGTH)
      };
      if (outcome.transactionId) values[BILL_FIELDS.transactionId] = outcome.transactionId;
      return values;
    }
    function truncate(text2, max) {
      return text2.length <= max ? text2 : `${text2.slice(0, max - 3)}...`;
    }

    // ts/core/bill-record.ts
    function recordOutcome(n, outcome) {
      n.record.submitFields({
        type: n.record.Type.VENDOR_BILL,
        id: outcome.billId,
        values: billFieldValues(outcome),
        options: { enableSourcing: false, ignoreMandatoryFields: true }
      });
    }

    // ts/core/governance.ts
    var COST = {
      fileLoad: 10,
      httpsCall: 10,
      submitFields: 10,
      recordLoad: 10,
      lookupFields: 1,
      searchLoad: 5,
      searchSave: 5,
      runPaged: 5,
      pageFetch: 5
    };
    var HTTPS_WORST_CASE_MS = 6e4;
    var TIME_LIMIT_MS = {
      map: 3e5,
      reduce: 9e5,
      getInputData: 36e5,
      suitelet: 3e5,
      scheduled: 36e5
    };
    function createBudget(n, host, options) {
      const startedAt = host.now();
      const script = n.runtime.getCurrentScript();
      const remainingUnits = () => script.getRemainingUsage();
      return {
        remainingUnits,
        canSpend: (units) => remainingUnits() >= units + options.reserveUnits,
        canWaitThenCall: (ms) => host.now() - startedAt + ms + HTTPS_WORST_CASE_MS <= options.timeLimitMs
      };
    }
    function busyWait(ms, now = Date.now) {
      const until = now() + ms;
      while (now() < until) {
      }
    }

    // ts/core/bill-source.ts
    var PAGE_SIZE = 1e3;
    function columns(search) {
      return {
        billId: search.createColumn({ name: "internalid", sort: search.Sort.ASC }),
        tranId: search.createColumn({ name: "tranid" }),
        transactionNumber: search.createColumn({ name: "transactionnumber" }),
        vendor: search.createColumn({ name: "entity" }),
        // Dates as ISO text whatever the user's date preference is.
        date: search.createColumn({ name: "formulatext", formula: "TO_CHAR({trandate},'YYYY-MM-DD')" }),
        dueDate: search.createColumn({ name: "formulatext", formula: "TO_CHAR({duedate},'YYYY-MM-DD')" }),
        currency: search.createColumn({ name: "symbol", join: "currency" }),
        total: search.createColumn({ name: "fxamount" }),
        fileId: search.createColumn({ name: "internalid", join: "file", sort: search.Sort.ASC }),
        fileName: search.createColumn({ name: "name", join: "file" }),
        fileType: search.createColumn({ name: "filetype", join: "file" })
      };
    }
    function pendingBillFilters() {
      const statusOpen = [[BILL_FIELDS.status, "isempty", ""]];
      for (const status of RETRY_STATUSES) statusOpen.push("OR", [BILL_FIELDS.status, "is", status]);
      return [["mainline", "is", "T"], "AND", ["file.internalid", "noneof", "@NONE@"], "AND", statusOpen];
    }
    function isPdf(fileType, fileName) {
      return /pdf/i.test(fileType) || /\.pdf$/i.test(fileName);
    }
    function toCandidate(row, c) {
      const value = (column) => {
        const v = row.getValue(column);
        return v === null || v === void 0 ? "" : String(v).trim();
      };
      const billId = value(c.billId);
      const fileId = value(c.fileId);
      const fileName = value(c.fileName);
      if (!billId || !fileId || !isPdf(row.getText(c.fileType) || value(c.fileType), fileName)) return void 0;
      const total = Number(value(c.total));
      const vendorName = row.getText(c.vendor).trim();
      const bill = {
        billNumber: value(c.tranId) || value(c.transactionNumber) || `NS-${billId}`,
        referenceNumber: value(c.transactionNumber) || `NS-${billId}`,
        ...vendorName ? { vendorName } : {},
        .../^\d{4}-\d{2}-\d{2}$/.test(value(c.date)) ? { date: value(c.date) } : {},
        .../^\d{4}-\d{2}-\d{2}$/.test(value(c.dueDate)) ? { dueDate: value(c.dueDate) } : {},
        .../^[A-Z]{3}$/.test(value(c.currency)) ? { currencyCode: value(c.currency) } : {},
        // The body line of a payable can carry a negative amount; the bill total is its magnitude.
        ...value(c.total) !== "" && Number.isFinite(total) ? { total: Math.abs(total) } : {}
      };
      return { billId, fileId, fileName: fileName || `bill-${billId}.pdf`, bill };
    }
    function findBills(n, filters, options) {
      const c = columns(n.search);
      const search = n.search.create({ type: "vendorbill", filters, columns: Object.values(c) });
      if (!options.canSpend(COST.runPaged)) return { candidates: [], truncated: true };
      const paged = search.runPaged({ pageSize: PAGE_SIZE });
      const byBill = /* @__PURE__ */ new Map();
      let truncated = false;
      for (const range of paged.pageRanges) {
        if (!options.canSpend(COST.pageFetch)) {
          truncated = true;
          break;
        }
        for (const row of paged.fetch({ index: range.index }).data) {
          const candidate = toCandidate(row, c);
          if (candidate) byBill.set(candidate.billId, candidate);
        }
      }
      return { candidates: [...byBill.values()], truncated };
    }

    // ts/core/config.ts
    var PARAMETER_SUFFIXES = {
      baseUrl: "base_url",
      apiKeySecretId: "api_key_secret",
      signingSecretId: "signing_secret",
      maxFileBytes: "max_file_bytes",
      maxAttempts: "max_attempts",
      backoffMs: "backoff_ms",
      maxBackoffMs: "max_backoff_ms"
    };
    var MAP_REDUCE_PARAMETER_PREFIX = "custscript_mw_mr_";
    var NETSUITE_MAX_CONTENT_BYTES = 10485760;
    var DEFAULTS = {
      apiKeySecretId: "custsecret_mw_api_key",
      maxFileBytes: NETSUITE_MAX_CONTENT_BYTES,
      maxAttempts: 3,
      backoffMs: 1e3,
      maxBackoffMs: 8e3
    };
    var ConfigError = class extends Error {
      constructor(message) {
        super(message);
        this.name = "ConfigError";
      }
    };
    function readConfig(runtime, prefix) {
      const script = runtime.getCurrentScript();
      const text2 = (suffix) => {
        const value = script.getParameter({ name: prefix + suffix });
        return value === null || value === void 0 ? "" : String(value).trim();
      };
      const integer = (suffix, fallback, min, max) => {
        const raw = text2(suffix);
        if (raw === "") return fallback;
        const value = Number(raw);
        if (!Number.isInteger(value) || value < min || value > max) {
          throw new ConfigError(`script parameter ${prefix + suffix} must be an integer from ${min} to ${max}`);
        }
        return value;
      };
      const baseUrl = text2(PARAMETER_SUFFIXES.baseUrl).replace(/\/+$/, "");
      if (!/^https:\/\/[^\s/]+/.test(baseUrl)) {
        throw new ConfigError(`script parameter ${prefix}${PARAMETER_SUFFIXES.baseUrl} must be an https:// URL`);
      }
      const secretId = (suffix) => {
        const id = text2(suffix);
        if (id !== "" && !/^custsecret[a-z0-9_]+$/.test(id)) {
          throw new ConfigError(`script parameter ${prefix + suffix} must be an API Secret id (custsecret...)`);
        }
        return id;
      };
      return {
        baseUrl,
        apiKeySecretId: secretId(PARAMETER_SUFFIXES.apiKeySecretId) || DEFAULTS.apiKeySecretId,
        signingSecretId: secretId(PARAMETER_SUFFIXES.signingSecretId) || null,
        maxFileBytes: integer(PARAMETER_SUFFIXES.maxFileBytes, DEFAULTS.maxFileBytes, 1, NETSUITE_MAX_CONTENT_BYTES),
        maxAttempts: integer(PARAMETER_SUFFIXES.maxAttempts, DEFAULTS.maxAttempts, 1, 10),
        backoffMs: integer(PARAMETER_SUFFIXES.backoffMs, DEFAULTS.backoffMs, 0, 6e4),
        maxBackoffMs: integer(PARAMETER_SUFFIXES.maxBackoffMs, DEFAULTS.maxBackoffMs, 0, 12e4)
      };
    }

    // ts/core/errors.ts
    function describeError(err) {
      if (err !== null && typeof err === "object") {
        const e = err;
        const text2 = [e.name, e.message].filter((part) => typeof part === "string" && part !== "").join(": ");
        if (text2) return text2;
      }
      return String(err);
    }

    // ts/core/bill-lines.ts
    var SUBLISTS = { expense: "expense", item: "item" };
    var present = (v) => v !== null && v !== void 0 && v !== "";
    function money(v) {
      if (!present(v)) return void 0;
      const n = Number(v);
      return Number.isFinite(n) ? Number(n.toPrecision(15)) : void 0;
    }
    function ref(rec, sublistId, fieldId, line) {
      var _a;
      const id = rec.getSublistValue({ sublistId, fieldId, line });
      if (!present(id)) return void 0;
      const name = String((_a = rec.getSublistText({ sublistId, fieldId, line })) != null ? _a : "").trim();
      return { id: String(id), ...name ? { name: name.slice(0, 200) } : {} };
    }
    function text(rec, sublistId, fieldId, line, max) {
      const value = rec.getSublistValue({ sublistId, fieldId, line });
      return present(value) ? String(value).slice(0, max) : void 0;
    }
    function extras(rec, sublistId, line) {
      const department = ref(rec, sublistId, "department", line);
      const klass = ref(rec, sublistId, "class", line);
      const location = ref(rec, sublistId, "location", line);
      const taxCode = ref(rec, sublistId, "taxcode", line);
      const taxAmount = money(rec.getSublistValue({ sublistId, fieldId: "tax1amt", line }));
      return {
        ...department ? { department } : {},
        ...klass ? { class: klass } : {},
        ...location ? { location } : {},
        ...taxCode ? { taxCode } : {},
        ...taxAmount === void 0 ? {} : { taxAmount }
      };
    }
    function expenseLine(rec, line) {
      var _a, _b;
      const s = SUBLISTS.expense;
      const memo = text(rec, s, "memo", line, 2e3);
      return {
        account: (_a = ref(rec, s, "account", line)) != null ? _a : { id: "" },
        amount: (_b = money(rec.getSublistValue({ sublistId: s, fieldId: "amount", line }))) != null ? _b : Number.NaN,
        ...memo ? { memo } : {},
        ...extras(rec, s, line)
      };
    }
    function itemLine(rec, line) {
      var _a;
      const s = SUBLISTS.item;
      const description = text(rec, s, "description", line, 2e3);
      const number = (fieldId) => {
        var _a2;
        return (_a2 = money(rec.getSublistValue({ sublistId: s, fieldId, line }))) != null ? _a2 : Number.NaN;
      };
      return {
        item: (_a = ref(rec, s, "item", line)) != null ? _a : { id: "" },
        quantity: number("quantity"),
        rate: number("rate"),
        amount: number("amount"),
        ...description ? { description } : {},
        ...extras(rec, s, line)
      };
    }
    function lines(rec, sublistId, read) {
      const count = rec.getLineCount({ sublistId });
      return Array.from({ length: Math.max(0, count) }, (_, line) => read(rec, line));
    }
    function readBillAmounts(rec) {
      var _a;
      const expenseLines = lines(rec, SUBLISTS.expense, expenseLine);
      const itemLines = lines(rec, SUBLISTS.item, itemLine);
      const total = money(rec.getValue({ fieldId: "usertotal" }));
      const taxTotal = money(rec.getValue({ fieldId: "taxtotal" }));
      const exchangeRate = money(rec.getValue({ fieldId: "exchangerate" }));
      const currency = String((_a = rec.getValue({ fieldId: "currencysymbol" })) != null ? _a : "").trim();
      return {
        ...expenseLines.length ? { expenseLines } : {},
        ...itemLines.length ? { itemLines } : {},
        ...total === void 0 ? {} : { total },
        ...taxTotal === void 0 ? {} : { taxTotal },
        .../^[A-Z]{3}$/.test(currency) ? { currencyCode: currency } : {},
        ...exchangeRate === void 0 ? {} : { exchangeRate }
      };
    }
    function loadBillAmounts(n, billId) {
      return readBillAmounts(n.record.load({ type: n.record.Type.VENDOR_BILL, id: billId, isDynamic: false }));
    }

    // ts/core/signing.ts
    function requestTarget(url) {
      var _a, _b;
      const rest = (_b = (_a = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)) == null ? void 0 : _a[1]) != null ? _b : "";
      if (rest === "") return "/";
      return rest.startsWith("?") ? `/${rest}` : rest;
    }
    function webhookId(subject, nowMs) {
      return `msg_ns_${nowMs}_${subject}`.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200);
    }
    function sign(n, signingSecretId, id, timestampSeconds, r) {
      const key = n.crypto.createSecretKey({ secret: signingSecretId, encoding: n.encode.Encoding.BASE_64 });
      const hmac = n.crypto.createHmac({ algorithm: n.crypto.HashAlg.SHA256, key });
      const content = `${id}.${timestampSeconds}.${r.method} ${requestTarget(r.url)}.${r.body}`;
      hmac.update({ input: content, inputEncoding: n.encode.Encoding.UTF_8 });
      return `v1,${hmac.digest({ outputEncoding: n.encode.Encoding.BASE_64 })}`;
    }
    function signatureHeaders(n, config, subject, nowMs, r) {
      if (!config.signingSecretId) return {};
      const id = webhookId(subject, nowMs);
      const timestamp = Math.floor(nowMs / 1e3);
      return {
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": sign(n, config.signingSecretId, id, timestamp, r)
      };
    }

    // ts/core/ingest-request.ts
    var BILLS_PATH = "/api/v1/bills";
    function apiKeyHeader(n, config) {
      return n.https.createSecureString({ input: `{${config.apiKeySecretId}}` });
    }
    function buildBillRequest(n, config, payload, nowMs) {
      const body = JSON.stringify(payload);
      const url = config.baseUrl + BILLS_PATH;
      const headers = {
        "Content-Type": "application/json",
        Accept: "application/json",
        "x-api-key": apiKeyHeader(n, config),
        ...signatureHeaders(n, config, `${payload.netsuiteBillId}_${payload.fileName}`, nowMs, {
          method: "POST",
          url,
          body
        })
      };
      return { url, body, headers };
    }

    // ts/core/ingest-client.ts
    function header(response, name) {
      var _a;
      const headers = (_a = response.headers) != null ? _a : {};
      const wanted = name.toLowerCase();
      for (const key of Object.keys(headers)) {
        if (key.toLowerCase() === wanted) {
          const value = headers[key];
          return Array.isArray(value) ? String(value[0]) : value === void 0 ? void 0 : String(value);
        }
      }
      return void 0;
    }
    function retryAfterMs(value, nowMs) {
      if (value === void 0 || value.trim() === "") return void 0;
      if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
      const at = Date.parse(value);
      return Number.isNaN(at) ? void 0 : Math.max(0, at - nowMs);
    }
    function parseJson(body) {
      try {
        const value = JSON.parse(body);
        return value !== null && typeof value === "object" && !Array.isArray(value) ? value : void 0;
      } catch {
        return void 0;
      }
    }
    function errorText(response) {
      var _a, _b, _c, _d, _e;
      const json = parseJson((_a = response.body) != null ? _a : "");
      const text2 = (_e = (_d = (_c = (_b = json == null ? void 0 : json.message) != null ? _b : json == null ? void 0 : json.detail) != null ? _c : json == null ? void 0 : json.title) != null ? _d : json == null ? void 0 : json.error) != null ? _e : response.body || "";
      return `HTTP ${response.code}: ${String(text2).slice(0, 1e3)}`;
    }
    function classify(response, nowMs) {
      var _a, _b, _c;
      const code = response.code;
      if (code === 200 || code === 202) {
        const json = parseJson((_a = response.body) != null ? _a : "");
        const transactionId = typeof (json == null ? void 0 : json.transactionId) === "string" ? json.transactionId : void 0;
        if (!transactionId) {
          return { kind: "retry", httpStatus: code, message: `HTTP ${code} without a transactionId in the body` };
        }
        const statusUrl = typeof (json == null ? void 0 : json.statusUrl) === "string" ? json.statusUrl : void 0;
        const again = code === 200 ? " (already accepted earlier)" : "";
        return {
          kind: "done",
          outcome: {
            status: "SENT",
            httpStatus: code,
            transactionId,
            ...statusUrl ? { statusUrl } : {},
            message: `accepted as ${transactionId}${again}`
          }
        };
      }
      if (code === 409) {
        const existing = (_c = parseJson((_b = response.body) != null ? _b : "")) == null ? void 0 : _c.transactionId;
        const which = typeof existing === "string" ? ` (transaction ${existing})` : "";
        return {
          kind: "done",
          outcome: {
            status: "CONFLICT",
            httpStatus: code,
            message: `content conflict: the service already holds a different PDF for this bill${which}. ${errorText(response)}`
          }
        };
      }
      if (code === 429 || code >= 500) {
        const after = retryAfterMs(header(response, "retry-after"), nowMs);
        return {
          kind: "retry",
          httpStatus: code,
          message: errorText(response),
          ...after === void 0 ? {} : { retryAfterMs: after }
        };
      }
      if (code === 401 || code === 403) {
        return {
          kind: "done",
          outcome: {
            status: "RETRY",
            httpStatus: code,
            message: `the service refused the API key (check the API Secret). ${errorText(response)}`
          }
        };
      }
      if (code >= 400) {
        return { kind: "done", outcome: { status: "REJECTED", httpStatus: code, message: errorText(response) } };
      }
      return { kind: "retry", httpStatus: code, message: `unexpected HTTP ${code}` };
    }
    function postBill(options, payload) {
      var _a;
      const { n, config, budget, host } = options;
      const billId = payload.netsuiteBillId;
      let attempts = 0;
      let last = { message: "not sent" };
      while (attempts < config.maxAttempts) {
        if (!budget.canSpend(COST.httpsCall)) {
          last = {
            ...last,
            message: `governance: ${budget.remainingUnits()} units left, stopped before POST. ${last.message}`
          };
          break;
        }
        const request = buildBillRequest(n, config, payload, host.now());
        attempts++;
        let verdict;
        try {
          verdict = classify(n.https.post(request), host.now());
        } catch (err) {
          verdict = { kind: "retry", message: `request failed: ${describeError(err)}` };
        }
        if (verdict.kind === "done") return { billId, attempts, ...verdict.outcome };
        last = {
          message: verdict.message,
          ...verdict.httpStatus === void 0 ? {} : { httpStatus: verdict.httpStatus }
        };
        if (attempts >= config.maxAttempts) break;
        const delay = (_a = verdict.retryAfterMs) != null ? _a : config.backoffMs * 2 ** (attempts - 1);
        if (delay > config.maxBackoffMs && verdict.retryAfterMs !== void 0) {
          last = { ...last, message: `${last.message}; Retry-After ${Math.ceil(delay / 1e3)} s, left for the next run` };
          break;
        }
        const wait = Math.min(delay, config.maxBackoffMs);
        if (!budget.canWaitThenCall(wait)) {
          last = { ...last, message: `${last.message}; time limit near, left for the next run` };
          break;
        }
        n.log.debug({ title: "retrying bill", details: `bill ${billId}: ${last.message}; waiting ${wait} ms` });
        host.sleep(wait);
      }
      return { billId, attempts, status: "RETRY", ...last };
    }

    // ts/core/send-bill.ts
    function notPosted(billId, status, message) {
      return { billId, attempts: 0, status, message };
    }
    function loadPdf(options, candidate) {
      const { n, config } = options;
      const { billId, fileId } = candidate;
      let pdf;
      try {
        pdf = n.file.load({ id: fileId });
      } catch (err) {
        return notPosted(billId, "ERROR", `cannot load file ${fileId}: ${describeError(err)}`);
      }
      if (pdf.fileType !== n.file.Type.PDF) {
        return notPosted(billId, "SKIPPED", `file ${fileId} (${pdf.name}) is ${String(pdf.fileType)}, not a PDF`);
      }
      if (pdf.size > config.maxFileBytes) {
        return notPosted(
          billId,
          "SKIPPED",
          `file ${fileId} (${pdf.name}) is ${pdf.size} bytes, over the ${config.maxFileBytes}-byte limit`
        );
      }
      return pdf;
    }
    function sendBill(options, candidate) {
      const { n, budget } = options;
      const { billId } = candidate;
      if (!budget.canSpend(COST.recordLoad + COST.fileLoad + COST.httpsCall)) {
        const message = `governance: ${budget.remainingUnits()} units left, stopped before loading the bill`;
        return notPosted(billId, "RETRY", message);
      }
      let amounts;
      try {
        amounts = loadBillAmounts(n, billId);
      } catch (err) {
        return notPosted(billId, "ERROR", `cannot load vendor bill ${billId}: ${describeError(err)}`);
      }
      const pdf = loadPdf(options, candidate);
      if ("billId" in pdf) return pdf;
      let base64Data;
      try {
        base64Data = pdf.getContents();
      } catch (err) {
        return notPosted(billId, "SKIPPED", `cannot read file ${candidate.fileId}: ${describeError(err)}`);
      }
      return postBill(options, {
        netsuiteBillId: billId,
        fileName: pdf.name || candidate.fileName,
        mimeType: "application/pdf",
        base64Data,
        // The record's total, currency and lines win over the search's body-line values.
        billDetails: { ...candidate.bill, ...amounts }
      });
    }

    // ts/core/map-reduce.ts
    var mapReduceConfig = (n) => readConfig(n.runtime, MAP_REDUCE_PARAMETER_PREFIX);
    function getInputData(n, host) {
      mapReduceConfig(n);
      const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.getInputData });
      const { candidates, truncated } = findBills(n, pendingBillFilters(), { canSpend: budget.canSpend });
      n.log.audit({
        title: "bills to send",
        details: `${candidates.length} vendor bill(s) with a PDF${truncated ? "; search cut short by governance, the rest next run" : ""}`
      });
      return candidates;
    }
    function mapBill(n, host, context) {
      const candidate = JSON.parse(context.value);
      if (context.isRestarted) {
        n.log.audit({ title: "map restarted", details: `bill ${candidate.billId}: sending again (idempotent)` });
      }
      let outcome;
      try {
        const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.map });
        outcome = sendBill({ n, config: mapReduceConfig(n), budget, host }, candidate);
      } catch (err) {
        outcome = { billId: candidate.billId, attempts: 0, status: "ERROR", message: describeError(err) };
      }
      if (outcome.status !== "SENT") {
        n.log.debug({ title: `bill ${outcome.billId}: ${outcome.status}`, details: outcome.message });
      }
      context.write(candidate.billId, JSON.stringify(outcome));
    }
    function reduceOutcome(n, host, context) {
      var _a;
      const outcome = JSON.parse((_a = context.values[context.values.length - 1]) != null ? _a : "null");
      if (!outcome) return;
      const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.reduce });
      if (!budget.canSpend(COST.submitFields)) {
        throw new Error(`governance: cannot record the outcome of bill ${outcome.billId}; it is sent again next run`);
      }
      recordOutcome(n, outcome);
      context.write(outcome.billId, outcome.status);
    }
    function stageErrors(summary) {
      const errors = [];
      if (summary.inputSummary.error) errors.push(`input: ${summary.inputSummary.error}`);
      summary.mapSummary.errors.iterator().each((key, error) => {
        errors.push(`map ${key}: ${error}`);
        return true;
      });
      summary.reduceSummary.errors.iterator().each((key, error) => {
        errors.push(`reduce ${key}: ${error}`);
        return true;
      });
      return errors;
    }
    function summarizeRun(n, summary) {
      const counts = Object.fromEntries(SEND_STATUSES.map((s) => [s, 0]));
      const errors = stageErrors(summary);
      summary.output.iterator().each((_key, value) => {
        if (value in counts) counts[value]++;
        return true;
      });
      for (const error of errors) n.log.error({ title: "bill delivery error", details: error });
      n.log.audit({
        title: "bill delivery summary",
        details: JSON.stringify({
          ...counts,
          errors: errors.length,
          usage: summary.usage,
          seconds: summary.seconds,
          yields: summary.yields
        })
      });
      return { counts, errors };
    }
    function createMapReduce(n, host) {
      return {
        getInputData: () => getInputData(n, host),
        map: (context) => mapBill(n, host, context),
        reduce: (context) => reduceOutcome(n, host, context),
        summarize: (summary) => summarizeRun(n, summary)
      };
    }

    // ts/entries/host.ts
    var netsuiteHost = {
      now: () => Date.now(),
      sleep: (ms) => busyWait(ms)
    };
    var N_MODULES = {
      crypto: "N/crypto",
      encode: "N/encode",
      file: "N/file",
      https: "N/https",
      log: "N/log",
      record: "N/record",
      runtime: "N/runtime",
      search: "N/search"
    };

    // ts/entries/mw_send_bills_mr.ts
    var dependencies = N_MODULES;
    var entryPointNames = ["getInputData", "map", "reduce", "summarize"];
    function create(n) {
      const script = createMapReduce(n, netsuiteHost);
      return {
        getInputData: () => script.getInputData(),
        map: (context) => script.map(context),
        reduce: (context) => script.reduce(context),
        summarize: (summary) => {
          script.summarize(summary);
        }
      };
    }
    return __toCommonJS(mw_send_bills_mr_exports);
  })();
  var entryPoints = __mwBundle.create({ crypto: crypto, encode: encode, file: file, https: https, log: log, record: record, runtime: runtime, search: search });
  return {
    getInputData: entryPoints.getInputData,
    map: entryPoints.map,
    reduce: entryPoints.reduce,
    summarize: entryPoints.summarize
  };
});
