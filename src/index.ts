/**
 * streamsim's reference model of the stream/journal replay protocol (PROTOCOL.md): the
 * public API. Other modules under src/ are internal.
 */

export { protocolParamsArbitrary } from "./arbitraries.ts";
export {
  boundedScope,
  minimalCase,
  minimalCaseParams,
  minimalCaseSteps,
  SCOPE_HORIZON_S,
} from "./cases.ts";
export { UnknownVariantError } from "./errors.ts";
export { invariants } from "./oracle/checks.ts";
export { baselinePolicies, describePolicies, type Policies } from "./policies.ts";
export { defaultParams, type ProtocolParams } from "./scenario/params.ts";
export { protocolScenario } from "./scenario/protocol.ts";
export { type VariantSpec, variantByName, variants } from "./variants.ts";
