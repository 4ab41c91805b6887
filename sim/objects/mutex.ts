import { ModelError, NondeterminismError, numberText } from "../errors.ts";
import type { Json, Wait } from "../types.ts";
import { type AccessRecorder, Tracked } from "./tracked.ts";

/**
 * What a mutex needs of the world: where to record its accesses, who runs the current
 * step, and the actors' names.
 */
export interface MutexHost extends AccessRecorder {
  readonly running: number;
  /** Notes that the running step took (`acquired`) or gave back (`released`) mutex `id`. */
  noteMutex(id: number, acquired: boolean): void;
  actorName(id: number): string;
}

export interface AcquireOptions {
  /** Label of the step that runs once the mutex is held. Default "acquire <name>". */
  readonly label?: string;
  /** Give up after this much virtual time; the actor then resumes with "timeout", not holding it. */
  readonly timeout_ms?: number;
}

/**
 * A lock held across steps, as a pthread mutex or an asyncio.Lock is held across awaits.
 * `yield m.acquire()` blocks until the mutex is free; the step that resumes the actor takes
 * it (a write), and only its holder may `release` it (a write). A lock written as a cell
 * and a wait (`until(() => lock.get() === FREE)`, then `lock.set(me)`) behaves the same,
 * but dpor cannot tell a release from any other write: it then also tries every acquire
 * before the release that freed the lock, which is impossible (the lock was held), and
 * each such try is a blocked execution. With a mutex, dpor skips them
 * (see `lockHandoff` in sim/dpor/event.ts).
 */
export class Mutex extends Tracked {
  readonly kind = "mutex";
  private holder = -1;

  constructor(
    private readonly host: MutexHost,
    id: number,
    name: string,
  ) {
    super(host, id, name);
  }

  /** Yield this to block until the mutex is free; the actor holds it when it resumes ("ok"). */
  acquire(options: AcquireOptions = {}): Wait {
    const timeout = options.timeout_ms;
    if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0)) {
      throw new ModelError(`acquire needs a non-negative timeout_ms, got ${numberText(timeout)}`);
    }
    // A mutex is not re-entrant: its holder would wait for itself forever (or until its
    // timeout), which is a mistake in the model, so it is that actor's crash. Unrecorded:
    // only the actor's own steps can make it the holder.
    const me = this.host.running;
    if (me >= 0 && this.holder === me) {
      throw new ModelError(
        `${this.host.actorName(me)} acquires mutex ${this.name}, which it already holds (a mutex is not re-entrant)`,
      );
    }
    return {
      kind: "wait",
      label: options.label ?? `acquire ${this.name}`,
      until: this.isFree,
      timeout_ms: timeout ?? Number.POSITIVE_INFINITY,
      on: `mutex ${this.name}`,
      acquires: this,
    };
  }

  /** Whether the mutex is free (a read). One function per mutex: waits share it. */
  private readonly isFree = (): boolean => {
    this.recorder.access(this.readCode);
    return this.holder < 0;
  };

  /** Whether the running actor holds the mutex (a read). */
  heldByMe(): boolean {
    this.recorder.access(this.readCode);
    return this.holder >= 0 && this.holder === this.host.running;
  }

  /** @internal Called by the engine at the start of the step that resumes a waiting `actor`. */
  take(actor: number): void {
    if (this.holder >= 0) {
      // The engine offers the waiter's step only while the mutex is free; a replay that
      // offers it from an earlier execution's options finds it held only if that
      // execution went otherwise.
      throw new NondeterminismError(
        `${this.host.actorName(actor)} resumed to take mutex ${this.name}, which ${this.host.actorName(this.holder)} holds`,
      );
    }
    this.recorder.access(this.writeCode);
    this.holder = actor;
    this.host.noteMutex(this.id, true);
  }

  /** @internal For deadlock reports: who holds it. */
  holderText(): string {
    return this.holder < 0 ? "free" : `held by ${this.host.actorName(this.holder)}`;
  }

  /** Frees the mutex; only the actor that holds it may. */
  release(): void {
    const me = this.host.running;
    if (me < 0 || this.holder !== me) {
      const who = me < 0 ? "outside a step" : `by ${this.host.actorName(me)}`;
      const held = this.holder < 0 ? "it is free" : `${this.host.actorName(this.holder)} holds it`;
      throw new ModelError(`mutex ${this.name} released ${who}, but ${held}`);
    }
    this.recorder.access(this.writeCode);
    this.holder = -1;
    this.host.noteMutex(this.id, false);
  }

  snapshot(): Json {
    if (this.recorder.observing) this.recorder.observe(this.readCode);
    return { holder: this.holder < 0 ? null : this.host.actorName(this.holder) };
  }
}
