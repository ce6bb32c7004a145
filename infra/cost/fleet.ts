/**
 * The fleet's size over a week, read from the synthesized ASGs and their scheduled actions: how
 * many instances run by day, by night, at the ceiling, and what share of the week is "day".
 */
type Json = Record<string, unknown>;

export interface FleetGroup {
  readonly name: string;
  readonly instanceType: string;
  readonly rootVolumeGb: number;
  readonly day: number;
  readonly night: number;
  readonly ceiling: number;
}

export interface FleetShape {
  readonly groups: readonly FleetGroup[];
  /** Share of the week's hours at the day size (the rest at the night size). */
  readonly dayShare: number;
}

const DAYS: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

/** Days of a cron day-of-week field: `*`, `MON-FRI`, `1-5`, `SAT,SUN`. */
export function cronDays(field: string): number[] {
  if (field === "*") return [0, 1, 2, 3, 4, 5, 6];
  const day = (s: string) => DAYS[s.toUpperCase()] ?? Number(s);
  return field.split(",").flatMap((part) => {
    const [a, b] = part.split("-");
    if (b === undefined) return [day(a!)];
    const out: number[] = [];
    for (let d = day(a!); d <= day(b); d++) out.push(d);
    return out;
  });
}

/** Hour and days of a `m h * * dow` recurrence; anything else is refused (the model would guess). */
export function parseRecurrence(recurrence: string): { hour: number; days: number[] } {
  const parts = recurrence.trim().split(/\s+/);
  if (parts.length !== 5 || parts[2] !== "*" || parts[3] !== "*" || !/^\d+$/.test(parts[1]!)) {
    throw new Error(`unsupported schedule recurrence "${recurrence}" (expected "m h * * dow")`);
  }
  return { hour: Number(parts[1]), days: cronDays(parts[4]!) };
}

/** Share of the week between each morning scale-up and the next night scale-down. */
export function dayShareOfWeek(morning: string, night: string): number {
  const up = parseRecurrence(morning);
  const down = parseRecurrence(night);
  let dayHours = 0;
  for (let h = 0; h < 168; h++) {
    // Walk back to the most recent scheduled action before hour h.
    for (let back = 0; back < 168; back++) {
      const t = (h - back + 168) % 168;
      const [d, hour] = [Math.floor(t / 24), t % 24];
      if (down.hour === hour && down.days.includes(d)) break;
      if (up.hour === hour && up.days.includes(d)) {
        dayHours++;
        break;
      }
    }
  }
  return dayHours / 168;
}

/** Reads each ASG, its launch template and its two schedules from a stack's resources. */
export function fleetShape(resource: Record<string, Record<string, Json>>): FleetShape {
  const templates = resource.aws_launch_template ?? {};
  const schedules = Object.entries(resource.aws_autoscaling_schedule ?? {});
  let dayShare = 1;
  const groups = Object.entries(resource.aws_autoscaling_group ?? {}).map(([name, asg]) => {
    const ref = String((asg.launch_template as Json).id).match(/aws_launch_template\.([^.]+)\./)?.[1] ?? "";
    const lt = templates[ref];
    if (!lt) throw new Error(`ASG ${name}: launch template ${ref} not found`);
    const mine = schedules.filter(([, s]) => String(s.autoscaling_group_name).includes(`${name}.`));
    const morning = mine.find(([n]) => n.includes("morning"))?.[1];
    const night = mine.find(([n]) => n.includes("night"))?.[1];
    if (morning && night) dayShare = dayShareOfWeek(String(morning.recurrence), String(night.recurrence));
    const volume = ((lt.block_device_mappings as Json[] | undefined)?.[0]?.ebs as Json | undefined)?.volume_size;
    return {
      name,
      instanceType: String(lt.instance_type),
      rootVolumeGb: Number(volume ?? 8),
      day: Number(morning?.desired_capacity ?? asg.min_size),
      night: Number(night?.desired_capacity ?? asg.min_size),
      ceiling: Number(asg.max_size),
    };
  });
  return { groups, dayShare };
}
