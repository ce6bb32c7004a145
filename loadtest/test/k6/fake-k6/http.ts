import { fake } from "./state.ts";

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
}

function request(method: string, url: string, body: string | undefined, params: Params = {}) {
  const req = { method, url, body, headers: params.headers ?? {}, tags: params.tags ?? {} };
  fake().requests.push(req);
  const res = fake().handler(req);
  return { status: res.status, body: res.body ?? "", headers: res.headers ?? {} };
}

export default {
  get: (url: string, params?: Params) => request("GET", url, undefined, params),
  post: (url: string, body: string, params?: Params) => request("POST", url, body, params),
};
