/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 * @description Asks the bill middleware for the outcome of the vendor bills it was sent and writes DELIVERED or FAILED, the Zoho bill id and the failure reason onto each bill.
 * Built from scripts/netsuite/ts/entries/mw_bill_status_ss.ts by scripts/netsuite/build.ts; do not edit the .js.
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

    // ts/entries/mw_bill_status_ss.ts
    var mw_bill_status_ss_exports = {};
    __export(mw_bill_status_ss_exports, {
      create: () => create,
      dependencies: () => dependencies,
      entryPointNames: () => entryPointNames
    });

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
    var SCHEDULED_PARAMETER_PREFIX = "custscript_mw_ss_";
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
    var STATUS_BATCH_PATH = "/api/v1/transactions/status";
    var STATUS_BATCH_SIZE = 100;
    function apiKeyHeader(n, config) {
      return n.https.createSecureString({ input: `{${config.apiKeySecretId}}` });
    }
    function buildStatusBatchRequest(n, config, netsuiteBillIds, nowMs) {
      if (netsuiteBillIds.length === 0 || netsuiteBillIds.length > STATUS_BATCH_SIZE) {
        throw new RangeError(`a status call takes 1 to ${STATUS_BATCH_SIZE} bill ids, not ${netsuiteBillIds.length}`);
      }
      const body = JSON.stringify({ netsuiteBillIds });
      const url = config.baseUrl + STATUS_BATCH_PATH;
      const subject = `statuses_${netsuiteBillIds[0]}_${netsuiteBillIds.length}`;
      return {
        url,
        body,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "x-api-key": apiKeyHeader(n, config),
          ...signatureHeaders(n, config, subject, nowMs, { method: "POST", url, body })
        }
      };
    }

    // ts/core/outcome.ts
    var BILL_FIELDS = {
      transactionId: "custbody_mw_txn_id",
      status: "custbody_mw_status",
      error: "custbody_mw_error",
      zohoBillId: "custbody_mw_zoho_bill_id"
    };
    var MAX_ERROR_LENGTH = 3900;
    function truncate(text2, max) {
      return text2.length <= max ? text2 : `${text2.slice(0, max - 3)}...`;
    }

    // ts/core/saved-search.ts
    var NOT_IN_ZOHO_SEARCH = {
      id: "customsearch_mw_bills_not_in_zoho",
      title: "Vendor bills not in Zoho"
    };
    function notInZohoFilters() {
      return [
        ["mainline", "is", "T"],
        "AND",
        ["file.internalid", "noneof", "@NONE@"],
        "AND",
        [[BILL_FIELDS.status, "isempty", ""], "OR", [BILL_FIELDS.status, "isnot", "DELIVERED"]]
      ];
    }
    function notInZohoColumns(search) {
      return [
        search.createColumn({ name: "internalid", sort: search.Sort.ASC }),
        search.createColumn({ name: "tranid" }),
        search.createColumn({ name: "entity" }),
        search.createColumn({ name: "fxamount" }),
        search.createColumn({ name: BILL_FIELDS.status }),
        search.createColumn({ name: BILL_FIELDS.error }),
        search.createColumn({ name: BILL_FIELDS.transactionId })
      ];
    }
    function ensureNotInZohoSearch(n, budget) {
      if (!budget.canSpend(COST.searchLoad + COST.searchSave)) return "skipped";
      try {
        n.search.load({ id: NOT_IN_ZOHO_SEARCH.id });
        return "exists";
      } catch {
      }
      try {
        n.search.create({
          type: "vendorbill",
          id: NOT_IN_ZOHO_SEARCH.id,
          title: NOT_IN_ZOHO_SEARCH.title,
          isPublic: true,
          filters: notInZohoFilters(),
          columns: notInZohoColumns(n.search)
        }).save();
        return "created";
      } catch (err) {
        n.log.error({ title: `cannot create the saved search ${NOT_IN_ZOHO_SEARCH.id}`, details: describeError(err) });
        return "skipped";
      }
    }

    // ts/core/ingest-client.ts
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

    // ts/core/status-answer.ts
    var text = (v) => typeof v === "string" ? v : null;
    function toStatus(value) {
      var _a, _b;
      if (value === null || typeof value !== "object") return null;
      const v = value;
      const netsuiteBillId = text(v.netsuiteBillId);
      const status = text(v.status);
      if (!netsuiteBillId || !status) return null;
      return {
        netsuiteBillId,
        transactionId: (_a = text(v.transactionId)) != null ? _a : "",
        status,
        zohoBillId: text(v.zohoBillId),
        failureReason: text(v.failureReason),
        updatedAt: (_b = text(v.updatedAt)) != null ? _b : ""
      };
    }
    function readStatusAnswer(response) {
      if (response.code !== 200) return { ok: false, error: errorText(response), httpStatus: response.code };
      let json;
      try {
        json = JSON.parse(response.body);
      } catch {
        return { ok: false, error: "the status answer is not JSON", httpStatus: response.code };
      }
      if (!Array.isArray(json == null ? void 0 : json.transactions)) {
        return { ok: false, error: "the status answer has no transactions list", httpStatus: response.code };
      }
      const byBillId = /* @__PURE__ */ new Map();
      for (const item of json.transactions) {
        const status = toStatus(item);
        if (status) byBillId.set(status.netsuiteBillId, status);
      }
      const notFound = Array.isArray(json.notFound) ? json.notFound.filter((id) => typeof id === "string") : [];
      return { ok: true, byBillId, notFound };
    }
    function fieldUpdate(now, service) {
      var _a;
      let target;
      if (service.status === "success") {
        target = { status: "DELIVERED", error: "", zohoBillId: (_a = service.zohoBillId) != null ? _a : "" };
      } else if (service.status === "failed") {
        const reason = service.failureReason || "the middleware gave up on this bill (no reason given)";
        target = { status: "FAILED", error: truncate(reason, MAX_ERROR_LENGTH), zohoBillId: now.zohoBillId };
      } else if (service.status === "pending" || service.status === "processing") {
        target = { status: "SENT", error: "", zohoBillId: now.zohoBillId };
      } else {
        return null;
      }
      if (target.status === now.status && target.error === now.error && target.zohoBillId === now.zohoBillId) return null;
      return {
        [BILL_FIELDS.status]: target.status,
        [BILL_FIELDS.error]: target.error,
        [BILL_FIELDS.zohoBillId]: target.zohoBillId
      };
    }

    // ts/core/status-sync.ts
    var AWAITING_STATUSES = ["SENT", "FAILED"];
    var SEARCH_PAGE_SIZE = 1e3;
    function awaitingOutcomeFilters() {
      const statuses = [];
      for (const status of AWAITING_STATUSES) {
        if (statuses.length) statuses.push("OR");
        statuses.push([BILL_FIELDS.status, "is", status]);
      }
      return [["mainline", "is", "T"], "AND", [BILL_FIELDS.transactionId, "isnotempty", ""], "AND", statuses];
    }
    function findAwaiting(n, budget) {
      const c = {
        id: n.search.createColumn({ name: "internalid", sort: n.search.Sort.ASC }),
        status: n.search.createColumn({ name: BILL_FIELDS.status }),
        error: n.search.createColumn({ name: BILL_FIELDS.error }),
        zohoBillId: n.search.createColumn({ name: BILL_FIELDS.zohoBillId })
      };
      const search = n.search.create({ type: "vendorbill", filters: awaitingOutcomeFilters(), columns: Object.values(c) });
      if (!budget.canSpend(COST.runPaged)) return { bills: [], truncated: true };
      const paged = search.runPaged({ pageSize: SEARCH_PAGE_SIZE });
      const bills = [];
      for (const range of paged.pageRanges) {
        if (!budget.canSpend(COST.pageFetch + COST.httpsCall)) return { bills, truncated: true };
        for (const row of paged.fetch({ index: range.index }).data) {
          const value = (column) => {
            var _a;
            return String((_a = row.getValue(column)) != null ? _a : "");
          };
          bills.push({
            billId: value(c.id),
            status: value(c.status),
            error: value(c.error),
            zohoBillId: value(c.zohoBillId)
          });
        }
      }
      return { bills, truncated: false };
    }
    function syncBatch(ctx, batch) {
      const { n, config, budget, host, report } = ctx;
      if (!budget.canSpend(COST.httpsCall)) return `governance: ${budget.remainingUnits()} units left`;
      if (!budget.canWaitThenCall(0)) return "time limit near";
      let answer;
      try {
        report.calls++;
        const request = buildStatusBatchRequest(
          n,
          config,
          batch.map((b) => b.billId),
          host.now()
        );
        answer = readStatusAnswer(n.https.post(request));
      } catch (err) {
        return `status call failed: ${describeError(err)}`;
      }
      if (!answer.ok) return `status call failed: ${answer.error}`;
      report.notFound += answer.notFound.length;
      for (const bill of batch) {
        const service = answer.byBillId.get(bill.billId);
        const values = service ? fieldUpdate(bill, service) : null;
        if (!values) continue;
        if (!budget.canSpend(COST.submitFields)) return `governance: ${budget.remainingUnits()} units left`;
        n.record.submitFields({
          type: n.record.Type.VENDOR_BILL,
          id: bill.billId,
          values,
          options: { enableSourcing: false, ignoreMandatoryFields: true }
        });
        const status = values[BILL_FIELDS.status];
        if (status === "DELIVERED") report.delivered++;
        else if (status === "FAILED") report.failed++;
        else report.resent++;
      }
      return null;
    }
    function createStatusSync(n, host) {
      function execute() {
        const config = readConfig(n.runtime, SCHEDULED_PARAMETER_PREFIX);
        const budget = createBudget(n, host, { reserveUnits: 0, timeLimitMs: TIME_LIMIT_MS.scheduled });
        const savedSearch = ensureNotInZohoSearch(n, budget);
        const report = {
          savedSearch,
          bills: 0,
          calls: 0,
          delivered: 0,
          failed: 0,
          resent: 0,
          notFound: 0,
          stopped: null
        };
        const { bills, truncated } = findAwaiting(n, budget);
        report.bills = bills.length;
        for (let i = 0; i < bills.length && report.stopped === null; i += STATUS_BATCH_SIZE) {
          report.stopped = syncBatch({ n, config, budget, host, report }, bills.slice(i, i + STATUS_BATCH_SIZE));
        }
        if (report.stopped === null && truncated) report.stopped = `governance: search cut short`;
        if (report.stopped) n.log.error({ title: "bill status sync stopped early", details: report.stopped });
        n.log.audit({ title: "bill status sync", details: JSON.stringify(report) });
        return report;
      }
      return { execute };
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

    // ts/entries/mw_bill_status_ss.ts
    var dependencies = N_MODULES;
    var entryPointNames = ["execute"];
    function create(n) {
      const script = createStatusSync(n, netsuiteHost);
      return {
        execute: () => {
          script.execute();
        }
      };
    }
    return __toCommonJS(mw_bill_status_ss_exports);
  })();
  var entryPoints = __mwBundle.create({ crypto: crypto, encode: encode, file: file, https: https, log: log, record: record, runtime: runtime, search: search });
  return {
    execute: entryPoints.execute
  };
});
