/**
 * Per-organization admission: the daily quota (code 45), the per-window limit (code 44) and the
 * in-flight cap (code 1070). Only admitted requests count; a rejected one uses no budget.
 * It also keeps the figures a load test needs: accepted/rejected per fixed window and the most
 * requests admitted in any trailing window.
 */
import type { SimLimits } from "./options.ts";

export type Rejection = 44 | 45 | 1070;

export interface WindowBucket {
  /** Epoch ms at which this fixed window starts (a multiple of windowMs). */
  start: number;
  accepted: number;
  rejected: number;
}

const HISTORY = 240;

export class OrgLimiter {
  readonly organizationId: string;
  inFlight = 0;
  peakInFlight = 0;
  /** Most requests admitted within any trailing windowMs (sliding count), whatever windowMode is. */
  maxInAnyWindow = 0;
  accepted = 0;
  dayStart = 0;
  dayCount = 0;
  private log: number[] = [];
  private head = 0;
  private fixedStart = 0;
  private fixedCount = 0;
  private readonly buckets: WindowBucket[] = [];

  constructor(organizationId: string) {
    this.organizationId = organizationId;
  }

  /** Admits the request (taking an in-flight slot) or says which limit refused it. */
  admit(limits: SimLimits, now: number): Rejection | null {
    this.trim(limits, now);
    const dayStart = Math.floor(now / limits.dayMs) * limits.dayMs;
    if (dayStart !== this.dayStart) {
      this.dayStart = dayStart;
      this.dayCount = 0;
    }
    const fixedStart = Math.floor(now / limits.windowMs) * limits.windowMs;
    if (fixedStart !== this.fixedStart) {
      this.fixedStart = fixedStart;
      this.fixedCount = 0;
    }
    let rejection: Rejection | null = null;
    if (this.dayCount >= limits.dailyQuota) rejection = 45;
    else if ((limits.windowMode === "sliding" ? this.log.length - this.head : this.fixedCount) >= limits.perWindow)
      rejection = 44;
    else if (this.inFlight >= limits.maxConcurrent) rejection = 1070;
    const bucket = this.bucket(fixedStart);
    if (rejection !== null) {
      bucket.rejected++;
      return rejection;
    }
    bucket.accepted++;
    this.accepted++;
    this.dayCount++;
    this.fixedCount++;
    this.log.push(now);
    const inWindow = this.log.length - this.head;
    if (inWindow > this.maxInAnyWindow) this.maxInAnyWindow = inWindow;
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    return null;
  }

  release(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** Requests admitted in the trailing window, as the sliding limit sees them. */
  inWindow(limits: SimLimits, now: number): number {
    this.trim(limits, now);
    return this.log.length - this.head;
  }

  history(): WindowBucket[] {
    return this.buckets.map((b) => ({ ...b }));
  }

  private trim(limits: SimLimits, now: number): void {
    const floor = now - limits.windowMs;
    while (this.head < this.log.length && this.log[this.head]! <= floor) this.head++;
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.head = 0;
    }
  }

  private bucket(start: number): WindowBucket {
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const created = { start, accepted: 0, rejected: 0 };
    this.buckets.push(created);
    if (this.buckets.length > HISTORY) this.buckets.shift();
    return created;
  }
}
