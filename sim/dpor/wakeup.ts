import { dependent, dependentOnObjects, type Event, sameEvent } from "./event.ts";

/**
 * A wakeup tree (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017, §6): the ordered set of
 * sequences still to explore from one node of the search, stored as a tree so that common
 * prefixes are shared. A `partial` node is a data-choice alternative: its event names the
 * actor and a prefix of the choice values; the rest of its choices are made on the way.
 */
export interface WakeupNode {
  readonly ev: Event;
  readonly partial: boolean;
  readonly children: WakeupNode[];
  /**
   * The race's later step e', planned before the step it raced with (see reverse in
   * dpor.ts). It was recorded after that step, and what it reads here may differ: a data
   * choice that exists only in some states (a cell still 0) is made here and not there,
   * and with its value what the step writes. Its accesses say nothing about the step here,
   * so it stands for a sequence only when it occurs in it.
   */
  readonly moved: boolean;
}

/**
 * p is a weak initial of v (p ∈ WI(v)): v can be reordered, by swapping adjacent
 * independent steps, to start with p; or p's actor is absent from v and p is independent of
 * all of v, so running p first changes nothing v does.
 */
export function weakInitial(p: Event, v: readonly Event[], strict = false): boolean {
  // A waiter's resumption or a timer firing reads its waiter's predicate, whose queue slot
  // depends on the history before it: p, recorded in one execution, and v's steps, in
  // another, are compared object by object. (A resumption recorded after a clear read the
  // next slot; a push recorded before it wrote the first one, and the leaf, infeasible
  // where it was planned, stood for a sequence that needed the push first: a seeded order
  // lost 1 of 46 traces of a property-test program.) And what such a step reads depends
  // on the state it meets: a disjunction stops at its first true part, so p, woken by a
  // cell, read only the cell, while v's own step of that actor, woken by a push, read the
  // queue too. That step must move to the front of v as well (the order of seed 560776281
  // lost 2 of 8 traces of a property-test program while only p was compared).
  const coarse = p.resumed === true || p.timer;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as Event;
    if (x.key === p.key) {
      if (x.timer !== p.timer || !sameEvent(x, p)) return false;
      return !coarse || movesToFront(x, v, i);
    }
    if (coarse ? dependentOnObjects(p, x) : dependent(p, x)) return false;
  }
  // p's actor is absent from v. A step that made data choices is one of several events its
  // actor could make there: after v it may make another value's, which running p first
  // rules out, so p stands for v only when it occurs in v.
  return !strict && p.choices.length === 0;
}

/** v[i] is independent, object by object, of every step before it in v. */
function movesToFront(x: Event, v: readonly Event[], i: number): boolean {
  for (let j = 0; j < i; j++) if (dependentOnObjects(x, v[j] as Event)) return false;
  return true;
}

/**
 * A partial node (actor + choice prefix, accesses unknown) stands for v when the first step
 * of its actor in v extends its choice prefix and can be moved to the front of v. Without
 * accesses we cannot claim the weak case (actor absent from v). 0: it does not; 1: that
 * step makes exactly the node's choices; 2: it makes more (see insertSequence).
 */
function partialInitial(p: Event, v: readonly Event[]): 0 | 1 | 2 {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as Event;
    if (x.key !== p.key) continue;
    if (x.timer !== p.timer || x.choices.length < p.choices.length) return 0;
    for (let c = 0; c < p.choices.length; c++) if (x.choices[c] !== p.choices[c]) return 0;
    for (let j = 0; j < i; j++) if (dependent(x, v[j] as Event)) return 0;
    return x.choices.length === p.choices.length ? 1 : 2;
  }
  return 0;
}

/** v without the first step of actor `key` (unchanged when the actor is absent). */
function withoutFirst(v: readonly Event[], key: number): Event[] {
  const i = v.findIndex((x) => x.key === key);
  if (i < 0) return v.slice();
  return [...v.slice(0, i), ...v.slice(i + 1)];
}

/**
 * insert[E](v, wut): descends along the first child that is a weak initial of what is left
 * of v; stops when it reaches a leaf (some explored-to-be sequence already covers v) and
 * otherwise hangs the rest of v below the deepest node reached, as its last child.
 * `disabledFirst` is the race's first event e when e can be disabled: an absent event
 * independent of v may disable e, so only an initial that occurs in v, or an absent event
 * independent of all of v and of e (which cannot disable it), stands for v. (Without the
 * second case a bare leaf was put beside such a branch, and seeded orders lost traces,
 * dpor.test.ts: each branch left the traces where the other's step comes later to the
 * other.)
 * Returns true when the tree grew.
 */
export function insertSequence(
  tree: WakeupNode[],
  v: readonly Event[],
  lastPartial = false,
  disabledFirst: Event | null = null,
  moved: Event | null = null,
): boolean {
  let nodes = tree;
  let rest: readonly Event[] = v;
  for (;;) {
    let matched: WakeupNode | null = null;
    for (let c = 0; c < nodes.length; c++) {
      const child = nodes[c] as WakeupNode;
      if (child.partial) {
        const m = partialInitial(child.ev, rest);
        if (m === 2) {
          // The partial node's branch makes the choices after its prefix afresh (the least
          // value whose event is not asleep), not the ones of v's step: hung below it, the
          // rest of v would run after another event (a timer firing that chose 0 instead of
          // 1), and the branch of v's own choice would later start with an empty tree (the
          // property test lost traces so). v becomes a branch of its own, explored before
          // the partial node: its step then sleeps there, and the fresh choice avoids it.
          nodes.splice(
            c,
            0,
            chain(rest, lastPartial && rest[rest.length - 1] === v[v.length - 1], moved),
          );
          return true;
        }
        if (m === 1) {
          matched = child;
          break;
        }
        continue;
      }
      // A waiter's resumption, or a timer firing (not due after all: another deadline is
      // earlier), may prove impossible when its branch runs, and then it covers nothing:
      // it stands for v only if it occurs in v.
      const waker = child.ev.resumed === true || child.ev.timer;
      const guessed = child.moved;
      const stands =
        weakInitial(child.ev, rest, disabledFirst !== null || waker || guessed) ||
        (disabledFirst !== null &&
          !waker &&
          !guessed &&
          child.ev.key !== disabledFirst.key &&
          standsBeside(child.ev, rest, disabledFirst));
      if (stands) {
        matched = child;
        break;
      }
    }
    if (matched === null) {
      nodes.push(chain(rest, lastPartial && rest[rest.length - 1] === v[v.length - 1], moved));
      return true;
    }
    if (matched.children.length === 0 && !matched.partial) return false;
    rest = withoutFirst(rest, matched.ev.key);
    if (rest.length === 0) return false;
    // A partial leaf (a disabled option or a data-choice alternative, put there without a
    // race) does not stand for what follows it: no race in its subtree is known to lead
    // to the rest of v, and the sleep set there may rule it out. The rest hangs below it.
    nodes = matched.children;
  }
}

function chain(v: readonly Event[], lastPartial: boolean, moved: Event | null): WakeupNode {
  // Every node has the same fields, set in the same order (one shape for V8).
  const last = v[v.length - 1] as Event;
  let node: WakeupNode = { ev: last, partial: lastPartial, children: [], moved: last === moved };
  for (let i = v.length - 2; i >= 0; i--) {
    const ev = v[i] as Event;
    node = { ev, partial: false, children: [node], moved: ev === moved };
  }
  return node;
}

/**
 * p's actor is absent from v, and p is independent of all of v and of e; and p made no data
 * choice (see weakInitial).
 */
function standsBeside(p: Event, v: readonly Event[], e: Event): boolean {
  if (p.choices.length > 0 || dependent(p, e)) return false;
  for (const x of v) if (x.key === p.key || dependent(p, x)) return false;
  return true;
}
