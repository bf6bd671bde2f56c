/** Bitcoin Core / Litecoin Core JSON-RPC chain backend: the public surface of this folder. */
export {
  type BackendLogger,
  BitcoindBackend,
  type BitcoindBackendOptions,
  findWatchedOutputs,
} from "./bitcoind-backend.ts";
export { decimalToBaseUnits, parseJsonNumbersAsText } from "./exact-json.ts";
export {
  type BatchResult,
  BitcoindRpc,
  BitcoindRpcError,
  type BitcoindRpcOptions,
  type RpcCallOptions,
  RpcCodes,
  type RpcErrorKind,
} from "./rpc-client.ts";
export {
  type DecodedBlock,
  type DecodedBlockHeader,
  type DecodedTransaction,
  decodeBlock,
  decodeBlockHeader,
  decodeTransaction,
  TxDecodeError,
  type TxInput,
  type TxOutput,
} from "./tx-decoder.ts";
