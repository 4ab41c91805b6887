import { InputError } from "../sim/index.ts";

/** A variant name that is not in the catalogue; the message lists the known ones. */
export class UnknownVariantError extends InputError {
  override readonly name = "UnknownVariantError";
}
