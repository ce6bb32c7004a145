import { fake } from "./state.ts";

class Metric {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  add(value: number | boolean, tags?: Record<string, string>): void {
    fake().samples.push({ metric: this.name, value: Number(value), ...(tags ? { tags } : {}) });
  }
}

export class Counter extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
