import { AppError } from "../../kernel/errors.ts";

/** Why a wallet key was refused, for callers that branch on it; the message says it in words. */
export type WalletKeyErrorCode =
  /** Not recognisable as any supported kind of wallet key. */
  | "unparseable"
  /** Recognised, but a checksum (base58, BIP-39, descriptor) does not match: most likely a typo. */
  | "checksum"
  /** Valid, but for another coin or network. */
  | "wrong_network"
  /** Valid, but a kind Till does not support (multisig keys, unsupported descriptors, old/2FA Electrum seeds). */
  | "unsupported"
  /** An Electrum seed whose version is not one Till can use. */
  | "seed_version"
  /** Valid both as an Electrum seed and as a BIP-39 mnemonic: the caller must say which it is. */
  | "ambiguous"
  /** Structurally broken (bad lengths, invalid curve points, out-of-range values, bad options). */
  | "invalid";

/** A wallet key (extended key, seed or descriptor) that cannot be used. A 422 if it reaches the HTTP layer. */
export class WalletKeyError extends AppError {
  constructor(
    readonly code: WalletKeyErrorCode,
    message: string,
  ) {
    super(422, message);
    this.name = "WalletKeyError";
  }
}

/** An address or script that is invalid, or not for the coin and network asked for. */
export class AddressError extends AppError {
  constructor(
    readonly code: "invalid" | "checksum" | "wrong_network" | "unsupported",
    message: string,
  ) {
    super(422, message);
    this.name = "AddressError";
  }
}
