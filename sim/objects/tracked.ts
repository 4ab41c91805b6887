import type { Hash53 } from "../hash53.ts";
import type { Json } from "../types.ts";

/**
 * Every shared object that simulated code touches records each access against the running
 * step, as loom's tracked objects do: the object and whether it was read or written. Those
 * records drive partial-order reduction and appear in traces. Recording is one array push,
 * so it stays on for every execution.
 */
export interface AccessRecorder {
  /** code = objectId * 2 + (write ? 1 : 0). */
  access(code: number): void;
  /**
   * True while the invariants run after a step: then the reads that are not recorded for
   * steps (`peek`, `inspect`, a snapshot) are passed to `observe`, so that the step's
   * record holds everything the invariants read after it (see checkStep in execute.ts).
   */
  readonly observing: boolean;
  observe(code: number): void;
}

/**
 * Object numbers from here on are not objects of the world but pseudo-objects that stand for
 * the engine's own shared state: the virtual clock and each actor's pending deadline.
 * Reports skip them; partial-order reduction treats them like any object.
 */
export const PSEUDO_OBJECTS = 1 << 28;
/** The virtual clock: `world.now()` reads it, a timer firing writes it. */
export const CLOCK_OBJECT = PSEUDO_OBJECTS;
export const CLOCK_READ = CLOCK_OBJECT * 2;
/**
 * Whether the execution goes on: the step that finishes the last non-daemon actor ends it,
 * and with it every option a daemon still had. A daemon's step or timer writes it, a
 * non-daemon actor's finishing step reads it: a daemon step is ordered against each
 * finishing step (the last one cuts it off, and which one is last depends on their
 * order), while finishing steps commute with each other.
 */
export const LIVE_OBJECT = PSEUDO_OBJECTS + 1;
/** Actor key k's deadline is pseudo-object DEADLINE_OBJECTS + k. */
export const DEADLINE_OBJECTS = PSEUDO_OBJECTS + 2;

/**
 * Object numbers from SUB_OBJECTS up to PSEUDO_OBJECTS stand for parts of a world object,
 * for objects whose operations commute more often than "any write conflicts with any
 * access" allows (a queue's head, its tail and each of its slots). An access to a part is
 * `subAccess(objectId, part, write)`; reports fold it into the whole object.
 */
export const SUB_OBJECTS = 1 << 27;
/** Parts per object; part numbers beyond it wrap (sharing a part only adds conflicts). */
const PART_BITS = 11;
export const PARTS = 1 << PART_BITS;

export function subAccess(objectId: number, part: number, write: boolean): number {
  return ((SUB_OBJECTS + objectId * PARTS + (part % PARTS)) << 1) | (write ? 1 : 0);
}

/** The world object an access code is about, or -1 for an engine pseudo-object. */
export function objectOfAccess(code: number): number {
  const n = code >> 1;
  if (n >= PSEUDO_OBJECTS) return -1;
  // A shift, not Math.floor of a division: n is a 31-bit integer (about 0.5% of a dpor
  // execution of the protocol model, which asks this of every queue access it compares).
  return n >= SUB_OBJECTS ? (n - SUB_OBJECTS) >> PART_BITS : n;
}

/** The same access with its object renumbered (parts and read/write kept). */
export function renumberAccess(code: number, objectId: number): number {
  const n = code >> 1;
  if (n >= PSEUDO_OBJECTS) return code;
  if (n < SUB_OBJECTS) return (objectId << 1) | (code & 1);
  return subAccess(objectId, (n - SUB_OBJECTS) % PARTS, (code & 1) === 1);
}

export type ObjectKind = "cell" | "queue" | "map" | "log" | "mutex";

export abstract class Tracked {
  abstract readonly kind: ObjectKind;
  protected readonly readCode: number;
  protected readonly writeCode: number;

  constructor(
    protected readonly recorder: AccessRecorder,
    readonly id: number,
    readonly name: string,
  ) {
    this.readCode = id * 2;
    this.writeCode = id * 2 + 1;
  }

  /** The object's state as JSON, for traces and the report viewer. Not recorded. */
  abstract snapshot(): Json;

  /**
   * Feeds `h` the object's state as `snapshot` gives it (see hashValue), for counting
   * distinct final states. Objects that hold their state in one value skip the snapshot.
   */
  hashState(h: Hash53): void {
    hashValue(h, this.snapshot(), Number.NEGATIVE_INFINITY);
  }
}

/** Converts a value held by a tracked object into JSON for a trace. */
export function toJson(value: unknown, depth = 0): Json {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      return `[${typeof value}]`;
  }
  // A tracked object held inside another one (the STREAMS map holds channels, a cell holds
  // subscriber queues) is shown by reference: its own state has its own entry.
  if (value instanceof Tracked) return `<${value.kind} ${value.name}>`;
  if (depth > 6) return "[…]";
  const proto = Object.getPrototypeOf(value) as object | null;
  if (
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    proto !== Object.prototype &&
    proto !== null
  ) {
    // A model object (a channel, a handler) is shown by class name: its tracked fields
    // have entries of their own, and following its references could reach the whole world.
    return `<${(value as { constructor?: { name?: string } }).constructor?.name ?? "object"}>`;
  }
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1));
  if (value instanceof Map) {
    return [...value.entries()].map(([k, v]) => [toJson(k, depth + 1), toJson(v, depth + 1)]);
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = toJson(v, depth + 1);
  return out;
}

// Tags of hashValue's stream: each value starts with one, so that the stream is prefix-free
// (two values that differ feed different streams).
const NULL = 1;
const NUMBER = 2;
const STRING = 3;
const FALSE = 4;
const TRUE = 5;
const ARRAY = 6;
const OBJECT = 7;

/**
 * Feeds `h` the JSON that `toJson(value, depth)` makes, without making it: the final state
 * of every execution is hashed this way (dpor's count of distinct final states), where
 * making the JSON and its text cost a fifth of a search of the protocol model. Two values
 * feed the same stream iff their JSON texts are equal (-0 feeds as 0, as it prints). Keep
 * it in step with toJson. `depth` -Infinity hashes a value that is JSON already.
 */
export function hashValue(h: Hash53, value: unknown, depth: number): void {
  if (value === null || value === undefined) {
    h.add(NULL);
    return;
  }
  switch (typeof value) {
    case "number":
      if (Number.isFinite(value)) {
        h.add(NUMBER);
        h.double(value);
      } else hashText(h, String(value));
      return;
    case "string":
      hashText(h, value);
      return;
    case "boolean":
      h.add(value ? TRUE : FALSE);
      return;
    case "bigint":
      hashText(h, value.toString());
      return;
    case "function":
    case "symbol":
      hashText(h, `[${typeof value}]`);
      return;
  }
  if (value instanceof Tracked) hashText(h, `<${value.kind} ${value.name}>`);
  else if (depth > 6) hashText(h, "[…]");
  else if (Array.isArray(value)) hashItems(h, value, 0, depth);
  else if (value instanceof Map) hashEntries(h, value, depth);
  else {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Object.prototype || proto === null) hashFields(h, value, depth);
    else {
      const name = (value as { constructor?: { name?: string } }).constructor?.name;
      hashText(h, `<${name ?? "object"}>`);
    }
  }
}

/** hashValue of `items.slice(from)`, an array at `depth`, without the slice. */
export function hashItems(h: Hash53, items: readonly unknown[], from: number, depth: number): void {
  h.add(ARRAY);
  h.add(items.length - from);
  for (let i = from; i < items.length; i++) hashValue(h, items[i], depth + 1);
}

/** A map, as toJson makes it: an array of [key, value] pairs. */
function hashEntries(h: Hash53, map: Map<unknown, unknown>, depth: number): void {
  h.add(ARRAY);
  h.add(map.size);
  for (const [k, v] of map) {
    h.add(ARRAY);
    h.add(2);
    hashValue(h, k, depth + 1);
    hashValue(h, v, depth + 1);
  }
}

function hashFields(h: Hash53, value: object, depth: number): void {
  const keys = Object.keys(value);
  // toJson's copy takes an own "__proto__" key as its prototype, and the text leaves it out.
  const proto = keys.includes("__proto__");
  h.add(OBJECT);
  h.add(proto ? keys.length - 1 : keys.length);
  for (const k of keys) {
    if (k === "__proto__") continue;
    hashText(h, k);
    hashValue(h, (value as Record<string, unknown>)[k], depth + 1);
  }
}

function hashText(h: Hash53, s: string): void {
  h.add(STRING);
  h.text(s);
}
