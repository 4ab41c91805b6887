import { NondeterminismError } from "../errors.ts";
import { plural } from "../plural.ts";
import type { World } from "../world.ts";

/**
 * The data choices a scenario's setup makes before the first step, enumerated depth-first:
 * dpor runs one whole search per vector of values, one after the other.
 *
 * They cannot be branched on like a step's choices: those belong to the event of the step
 * that made them, whose other values become siblings at that step's node, but the setup
 * is no step and no actor's, so no node of the search sits before it. Attached to the
 * first step's event (as they once were), the other values were planned at node 0 and
 * never taken, since the setup had chosen before the plan was read: dpor ran one value
 * and reported "no failure over all interleavings" where another value broke a check
 * (the probe found it; sim/dpor/setup-choices.test.ts).
 */
export class SetupChoices {
  /** The values of the vector being searched, in the order the setup asks for them. */
  readonly values: number[] = [];
  /** How many values each choice had. */
  private readonly ranges: number[] = [];
  /** Per position, the values not yet searched there (for the vector's current prefix). */
  private readonly left: number[][] = [];
  /** Choices the running execution's setup has made so far. */
  private made = 0;
  /** How many choices the vector has, once an execution of it has finished its setup. */
  private settled = -1;
  /**
   * The names of the actors and tracked objects the vector's setup made, in order, once an
   * execution of it has finished its setup (empty before). A later execution that makes
   * others is nondeterministic: an extra actor would be offered as a new option at every
   * replayed step, and actors in another order would swap their ids, silently.
   */
  private readonly settledNames: string[] = [];
  private settledActors = -1;
  /** True while the running execution is in its setup (before its first step). */
  open = false;

  /** A new execution: its setup makes the vector's choices again. */
  begin(): void {
    this.made = 0;
    this.open = true;
  }

  /**
   * The value of the setup's next choice among n: the vector's, or `first` for a choice
   * no execution of this vector made yet (its other values are searched later).
   */
  pick(n: number, first: number): number {
    const p = this.made++;
    if (p < this.values.length) {
      if (this.ranges[p] !== n) {
        throw new NondeterminismError(
          `dpor: the setup's data choice ${p} had ${this.ranges[p]} values and now has ${n}`,
        );
      }
      return this.values[p] as number;
    }
    if (this.settled >= 0) {
      throw new NondeterminismError(
        `dpor: the setup made more than ${plural(this.settled, "data choice")}, where an earlier execution${this.sameValues()} made ${this.settled}`,
      );
    }
    this.values.push(first);
    this.ranges.push(n);
    const left: number[] = [];
    for (let d = 1; d < n; d++) left.push((first + d) % n);
    this.left.push(left);
    return first;
  }

  /**
   * The setup is over (the first step is picked, or the execution ended without one), having
   * made `world`'s actors and tracked objects (null: not known).
   */
  close(world: World | null): void {
    if (!this.open) return;
    this.open = false;
    if (this.made < this.values.length) {
      throw new NondeterminismError(
        `dpor: the setup made ${plural(this.made, "data choice")}, where earlier executions made ${this.values.length} (this one was to take the values ${this.values.join(", ")})`,
      );
    }
    if (world !== null) this.settle(world);
    this.settled = this.values.length;
  }

  /** Records the setup's actors and objects, or checks them against the vector's. */
  private settle(world: World): void {
    const names = this.settledNames;
    const actors = world.actors;
    const objects = world.objects;
    if (this.settled < 0) {
      names.length = 0;
      for (const a of actors) names.push(a.name);
      for (const o of objects) names.push(o.name);
      this.settledActors = actors.length;
      return;
    }
    let same =
      actors.length === this.settledActors && names.length === actors.length + objects.length;
    for (let i = 0; same && i < actors.length; i++)
      same = names[i] === (actors[i] as { name: string }).name;
    // Objects by count only: their names, read off a hundred objects of several classes,
    // cost 0.9% of an execution of the protocol scope (valgrind), and objects made in
    // another order show anyway, as replayed steps that touch other objects
    // (divergent_replays, which the verdict reports).
    if (same) return;
    const now = [...actors.map((a) => a.name), ...objects.map((o) => o.name)];
    throw new NondeterminismError(
      `dpor: the setup made actors [${now.slice(0, actors.length).join(", ")}] and objects [${now.slice(actors.length).join(", ")}], where an earlier execution${this.sameValues()} made [${names.slice(0, this.settledActors).join(", ")}] and [${names.slice(this.settledActors).join(", ")}]`,
    );
  }

  /** " with the same setup choices (…)", or nothing to add when the setup makes none. */
  private sameValues(): string {
    return this.values.length === 0
      ? ""
      : ` with the same setup choices (${this.values.join(", ")})`;
  }

  /** Moves to the next vector to search; false when every one has been. */
  advance(): boolean {
    for (let p = this.values.length - 1; p >= 0; p--) {
      const left = this.left[p] as number[];
      const v = left.shift();
      if (v === undefined) continue;
      this.values[p] = v;
      this.settled = -1;
      this.values.length = p + 1;
      this.ranges.length = p + 1;
      this.left.length = p + 1;
      return true;
    }
    return false;
  }
}
