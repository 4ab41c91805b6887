import type { Cell, Queue, World } from "../../sim/index.ts";
import type { WireFrame } from "./frame.ts";

/**
 * One SSE connection between a tab and its handler thread: the socket's bytes in flight, and
 * the two ways it ends. `closed` is the handler ending the response; `broken` is a transport
 * error (the network actor's doing), after which the handler's next write fails and what was
 * in flight is lost.
 */
export interface Connection {
  readonly name: string;
  readonly wire: Queue<WireFrame>;
  readonly closed: Cell<boolean>;
  readonly broken: Cell<boolean>;
}

export function openConnection(world: World, name: string): Connection {
  return {
    name,
    wire: world.queue<WireFrame>(`${name}.wire`),
    closed: world.cell(`${name}.closed`, false),
    broken: world.cell(`${name}.broken`, false),
  };
}

/** Writes to the socket; false when the transport is broken (the write raises). */
export function writeWire(conn: Connection, frame: WireFrame): boolean {
  if (conn.broken.get()) return false;
  conn.wire.push(frame);
  return true;
}
