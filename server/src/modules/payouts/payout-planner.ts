import { decodeTransaction } from "../../chains/bitcoin/bitcoind/tx-decoder.ts";
import {
  feeRateMilli,
  InsufficientFundsError,
  type Selection,
  type SpendableOutput,
  selectCoins,
  type WalletKeyInfo,
} from "../../chains/bitcoin/transactions.ts";
import {
  addressToScript,
  type CoinDefinition,
  formatBaseUnits,
  parseWalletKey,
  type UnspentOutput,
  type WalletKey,
  WalletKeyError,
} from "../../chains/index.ts";
import { fromJson } from "../../db/json.ts";
import { invalidField } from "../../kernel/errors.ts";
import { Big } from "../../kernel/money.ts";
import type { IssuedAddress, WalletRow } from "../wallets/index.ts";
import type { PayoutRepository, PayoutRow } from "./payout.repository.ts";

/** The chain reads planning needs (ChainRuntime). */
export interface PlannerChains {
  estimateFeeRate(currency: string, targetBlocks: number): Promise<{ satPerVbyte: string; source: string }>;
  listUnspent(currency: string, scripts: readonly string[]): Promise<UnspentOutput[]>;
}

export interface PlannerDeps {
  payouts: PayoutRepository;
  chains: PlannerChains;
  keyOf(wallet: WalletRow): WalletKey;
  nextChangeAddress(walletId: string): Promise<IssuedAddress>;
  /** The change address the next transaction would take, left untaken (for an unsigned PSBT). */
  peekChangeAddress(walletId: string): Promise<IssuedAddress>;
  /** Change addresses used by a transaction signed elsewhere: fresh ones start after them. */
  changeUsed(walletId: string, lastIndex: number): Promise<void>;
  /** Every derived address of the wallet (both chains), to find its coins. */
  walletAddresses(walletId: string): Promise<{ chain: number; idx: number; script: string }[]>;
  /** Price of one coin in `fiat` (store rules when a store is given); throws a 422 when unknown. */
  priceIn(coin: string, fiat: string, storeId: string | null): Promise<Big>;
  /** The store's recommended fee target (blocks); 1 without a store. */
  feeTargetBlocks(storeId: string | null): Promise<number>;
  /** A hot wallet's account private key (opened from its sealed form), else null. */
  hotKey(wallet: WalletRow): string | null;
}

/** One transaction to build: payouts of one wallet, the coins chosen, the fee and where change goes. */
export interface Plan {
  wallet: WalletRow;
  coin: CoinDefinition;
  payouts: PayoutRow[];
  /** Base units each payout sends. */
  amounts: bigint[];
  selection: Selection;
  changeScript: string;
  feeRate: string;
  feeRateSource: string;
  maxFee: bigint | null;
  key: WalletKeyInfo;
}

const ROUND_DOWN = 0;

/**
 * What a payout transaction will be, decided before anything is signed or changed: the signing key checked against
 * the wallet, amounts in base units, coins selected over the wallet's confirmed outputs, fee and change. Every refusal
 * (wrong key, funds, amounts) is a 422 raised here.
 */
export class PayoutPlanner {
  constructor(private readonly deps: PlannerDeps) {}

  /**
   * The wallet's account private key from what the merchant gave (xprv/tprv/…, Electrum seed, BIP-39 mnemonic) or
   * from the hot wallet; checked to be this wallet's key before anything is built. Never stored, never logged.
   */
  accountPrivateKey(wallet: WalletRow, coin: CoinDefinition, supplied: string | undefined): string {
    const loc = ["options", "wallets", wallet.id];
    if (supplied === undefined || supplied.trim() === "") {
      const hot = this.deps.hotKey(wallet);
      if (hot) return hot;
      throw invalidField(loc, `A private key or seed of wallet ${wallet.name} is needed to send from it`);
    }
    const extra = fromJson<{
      bip39_purpose?: 44 | 49 | 84 | 86;
      account?: number;
      seed_format?: "auto" | "electrum" | "bip39";
    }>(wallet.additional_xpub_data, {});
    let key: WalletKey;
    try {
      key = parseWalletKey(supplied, coin, {
        ...(extra.bip39_purpose ? { bip39Purpose: extra.bip39_purpose } : {}),
        ...(extra.account !== undefined ? { account: extra.account } : {}),
        ...(extra.seed_format ? { seedFormat: extra.seed_format } : {}),
      });
    } catch (error) {
      if (error instanceof WalletKeyError) throw invalidField(loc, `The key is not valid: ${error.message}`);
      throw error;
    }
    if (!key.hasPrivate || !key.privateMaterial) {
      throw invalidField(loc, "This is a public key: a private key or seed is needed to sign");
    }
    const walletKey = this.deps.keyOf(wallet);
    if (key.accountXpub !== walletKey.accountXpub || key.scriptType !== walletKey.scriptType) {
      throw invalidField(loc, `This key is not the key of wallet ${wallet.name}`);
    }
    return key.privateMaterial.accountXprv;
  }

  /**
   * Coin selection for a wallet's payouts: one plan per payout, or one for all with `batch`. `peekChange` leaves the
   * change address untaken (an exported PSBT may never come back).
   */
  async plan(
    wallet: WalletRow,
    coin: CoinDefinition,
    payouts: PayoutRow[],
    batch: boolean,
    peekChange = false,
  ): Promise<Plan[]> {
    const walletKey = this.deps.keyOf(wallet);
    const key: WalletKeyInfo = {
      accountKey: walletKey.accountKey,
      scriptType: walletKey.scriptType,
      fingerprint: walletKey.origin?.fingerprint ?? null,
      path: walletKey.origin?.path ?? null,
    };
    const addresses = await this.deps.walletAddresses(wallet.id);
    const position = new Map(addresses.map((a) => [a.script, a]));
    const reserved = await this.reservedOutpoints(wallet.id);
    const unspent = (await this.deps.chains.listUnspent(wallet.currency, [...position.keys()])).filter(
      (u) => u.height !== null && !reserved.has(`${u.txid}:${u.vout}`),
    );
    let utxos: SpendableOutput[] = unspent.map((u) => {
      const at = position.get(u.script)!;
      return { ...u, chain: at.chain as 0 | 1, index: at.idx };
    });
    const storeId = payouts[0]!.store_id;
    const rate = await this.deps.chains.estimateFeeRate(wallet.currency, await this.deps.feeTargetBlocks(storeId));
    const groups = batch ? [payouts] : payouts.map((p) => [p]);
    const plans: Plan[] = [];
    for (const group of groups) {
      const sendAll = group.some((p) => p.amount === "-1");
      if (sendAll && group.length > 1) {
        throw invalidField(["options", "batch"], "A payout of the whole balance (-1) cannot be batched with others");
      }
      const amounts = sendAll ? [0n] : await Promise.all(group.map((p) => this.baseUnits(p, coin, p.amount)));
      const outputs = group.map((p, i) => ({ script: addressToScript(p.destination, coin), amount: amounts[i]! }));
      const maxFees = await Promise.all(
        group.map((p) => (p.max_fee === null ? null : this.baseUnits(p, coin, p.max_fee))),
      );
      const limits = maxFees.filter((m): m is bigint => m !== null);
      const change = peekChange
        ? await this.deps.peekChangeAddress(wallet.id)
        : await this.deps.nextChangeAddress(wallet.id);
      let selection: Selection;
      try {
        selection = selectCoins({
          utxos,
          outputs,
          feeRateMilli: feeRateMilli(rate.satPerVbyte),
          scriptType: key.scriptType,
          changeScript: change.script,
          sendAll,
        });
      } catch (error) {
        if (error instanceof InsufficientFundsError) {
          throw invalidField(
            ["amount"],
            `Insufficient funds in wallet ${wallet.name}: ${formatBaseUnits(error.needed, coin.divisibility)} ` +
              `${coin.symbol} needed with the fee, ${formatBaseUnits(error.available, coin.divisibility)} confirmed`,
          );
        }
        if (error instanceof RangeError) throw invalidField(["amount"], `The amount is too small: ${error.message}`);
        throw error;
      }
      const used = new Set(selection.inputs.map((u) => `${u.txid}:${u.vout}`));
      utxos = utxos.filter((u) => !used.has(`${u.txid}:${u.vout}`));
      plans.push({
        wallet,
        coin,
        payouts: group,
        amounts: selection.outputs.map((o) => o.amount),
        selection,
        changeScript: change.script,
        feeRate: rate.satPerVbyte,
        feeRateSource: rate.source,
        maxFee: limits.length ? limits.reduce((a, b) => (a < b ? a : b)) : null,
        key,
      });
    }
    return plans;
  }

  /** Coins spent by this wallet's signed transactions that the chain may not show as spent yet. */
  private async reservedOutpoints(walletId: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const row of await this.deps.payouts.inFlight()) {
      if (row.wallet_id !== walletId || !row.signed_tx) continue;
      for (const input of decodeTransaction(row.signed_tx).inputs) out.add(`${input.prevTxid}:${input.prevVout}`);
    }
    return out;
  }

  /** A decimal in the payout's currency as base units of the coin: exact for the coin, at today's rate for fiat. */
  async baseUnits(payout: PayoutRow, coin: CoinDefinition, amount: string): Promise<bigint> {
    const units = new Big(10).pow(coin.divisibility);
    let value = new Big(amount);
    if (payout.currency.toUpperCase() !== coin.symbol.toUpperCase()) {
      value = value.div(await this.deps.priceIn(coin.symbol, payout.currency, payout.store_id));
    }
    return BigInt(value.times(units).round(0, ROUND_DOWN).toFixed(0));
  }
}
