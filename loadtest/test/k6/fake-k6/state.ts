/**
 * Shared state of the fake k6 modules: the test installs an HTTP handler and reads back the
 * requests made, the metric samples and the checks, as k6 would have recorded them.
 */
export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
}

export interface FakeResponse {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface FakeK6 {
  handler: (req: FakeRequest) => FakeResponse;
  requests: FakeRequest[];
  samples: { metric: string; value: number; tags?: Record<string, string> }[];
  checks: { name: string; ok: boolean }[];
  sleeps: number[];
  vu: number;
  scenario: string;
  iteration: number;
}

declare global {
  var __fakeK6: FakeK6;
}

export function fake(): FakeK6 {
  return globalThis.__fakeK6;
}
