/** The chain library's public surface for the rest of the server: coins, keys, addresses and backend ports. */

export {
  addressToScript,
  bip21Uri,
  type DerivedAddress,
  deriveAddresses,
  formatBaseUnits,
  isValidAddress,
  scriptToAddress,
} from "./bitcoin/addresses.ts";
export { AddressError, WalletKeyError } from "./bitcoin/errors.ts";
export { serializeExtendedKey } from "./bitcoin/extended-keys.ts";
export { type ParseWalletKeyOptions, parseWalletKey, type WalletKey } from "./bitcoin/keys.ts";
export {
  type CoinDefinition,
  coinId,
  explorerAddressUrl,
  explorerTxUrl,
  findCoin,
  getCoin,
  listCoins,
} from "./coins.ts";
export type * from "./ports.ts";
