export { canonicalJson } from './canonical-json';
export {
  computeEventHash,
  metadataWithoutHashes,
  sealEvents,
  verifyChains,
  ChainVerifier,
  type ChainBreak,
  type HashedFields,
  type SealedEvent,
} from './hash-chain';
