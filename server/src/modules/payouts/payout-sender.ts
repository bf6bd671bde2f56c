import type { Transaction } from "@scure/btc-signer";
import { decodeTransaction } from "../../chains/bitcoin/bitcoind/tx-decoder.ts";
import {
  buildPsbt,
  feeRateMilli,
  InsufficientFundsError,
  parsePsbt,
  psbtBase64,
  type Selection,
  SigningKeyMismatchError,
  type SpendableOutput,
  selectCoins,
  signPsbt,
  type WalletKeyInfo,
} from "../../chains/bitcoin/transactions.ts";
import {
  addressToScript,
  type CoinDefinition,
  formatBaseUnits,
  parseWalletKey,
  type TransactionStatus,
  type UnspentOutput,
  type WalletKey,
  WalletKeyError,
} from "../../chains/index.ts";
import { fromJson } from "../../db/json.ts";
import type { Actor } from "../../kernel/actor.ts";
import { AppError, invalidField } from "../../kernel/errors.ts";
import type { Logger } from "../../kernel/logger.ts";
import { Big } from "../../kernel/money.ts";
import type { IssuedAddress, WalletRow } from "../wallets/index.ts";
import type { PayoutView } from "./payout.presenter.ts";
import type { PayoutRepository, PayoutRow } from "./payout.repository.ts";
import { sendOptionsSchema } from "./payout.schemas.ts";
import type { PayoutsService } from "./payouts.service.ts";

/** What sending needs from the chains (ChainRuntime). */
export interface PayoutChains {
  estimateFeeRate(currency: string, targetBlocks: number): Promise<{ satPerVbyte: string; source: string }>;
  listUnspent(currency: string, scripts: readonly string[]): Promise<UnspentOutput[]>;
  /** Resolves with the txid, or rejects; `rejected` tells a refusal by the network from a failure to reach it. */
  broadcast(currency: string, rawTxHex: string): Promise<string>;
  transactionStatus(currency: string, txid: string, rawTxHex?: string): Promise<TransactionStatus>;
  isRejection(error: unknown): boolean;
}

export interface PayoutSenderDeps {
  payouts: PayoutRepository;
  service: PayoutsService;
  chains: PayoutChains;
  keyOf(wallet: WalletRow): WalletKey;
  nextChangeAddress(walletId: string): Promise<IssuedAddress>;
  /** Every derived address of the wallet (both chains), to find its coins. */
  walletAddresses(walletId: string): Promise<{ chain: number; idx: number; script: string }[]>;
  /** Price of one coin in `fiat` (store rules when a store is given); throws a 422 when unknown. */
  priceIn(coin: string, fiat: string, storeId: string | null): Promise<Big>;
  /** The store's recommended fee target (blocks); 1 without a store. */
  feeTargetBlocks(storeId: string | null): Promise<number>;
  /** A hot wallet's account private key (opened from its sealed form), else null. */
  hotKey(wallet: WalletRow): string | null;
  logger: Logger;
  /** Test seam: runs after transactions are signed and stored, before they are broadcast. */
  afterSign?: (payoutIds: string[]) => void | Promise<void>;
}

interface Plan {
  wallet: WalletRow;
  coin: CoinDefinition;
  payouts: PayoutRow[];
  /** Base units each payout sends. */
  amounts: bigint[];
  selection: Selection;
  changeScript: string;
  feeRate: string;
  maxFee: bigint | null;
  key: WalletKeyInfo;
}

interface Signed {
  plan: Plan;
  txid: string;
  hex: string;
}

const INTEGER_UNITS = 0; // Big.roundDown

/**
 * Sends approved payouts: coin selection over the wallet's confirmed coins, one transaction per payout or per wallet
 * (`batch`), signed in memory with the key given for the wallet (or a hot wallet's own), stored with its txid in the
 * same transaction as the move to `broadcasting`, and only then broadcast. A restart re-broadcasts stored
 * transactions (`recover`), never builds new ones. Confirmation, replacement and drops are followed on each block.
 */
export class PayoutSender {
  private readonly checking = new Map<string, Promise<void>>();

  constructor(private readonly deps: PayoutSenderDeps) {}

  /** Bitcart's batch command `send`: `{wallets: {wallet_id: key}, batch}`. */
  async send(actor: Actor, ids: string[], rawOptions: unknown): Promise<PayoutView[]> {
    const parsed = sendOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw invalidField(["options"], parsed.error.issues[0]?.message ?? "invalid options");
    const options = parsed.data;
    const rows = await this.deps.payouts.findOwned(actor.userId, ids);
    rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    rows.forEach((row) => {
      if (row.status !== "approved")
        throw invalidField(
          ["ids", ids.indexOf(row.id)],
          `Payout ${row.id} is ${row.status}: only approved payouts are sent`,
        );
    });
    const byWallet = new Map<string, PayoutRow[]>();
    for (const row of rows) byWallet.set(row.wallet_id, [...(byWallet.get(row.wallet_id) ?? []), row]);

    // Everything that can be refused is checked before anything changes: keys, destinations, funds.
    const keys = new Map<string, string>();
    const plans: Plan[] = [];
    for (const [walletId, payouts] of byWallet) {
      const { wallet, coin } = await this.deps.service.walletOf(actor, walletId);
      keys.set(walletId, this.accountPrivateKey(wallet, coin, options.wallets[walletId]));
      plans.push(...(await this.plan(wallet, coin, payouts, Boolean(options.batch))));
    }

    const ready: Plan[] = [];
    for (const plan of plans) {
      if (plan.maxFee !== null && plan.selection.fee > plan.maxFee) {
        const reason =
          `The network fee ${formatBaseUnits(plan.selection.fee, plan.coin.divisibility)} ${plan.coin.symbol} ` +
          `(${plan.feeRate} sat/vB) is above max_fee ${formatBaseUnits(plan.maxFee, plan.coin.divisibility)} ${plan.coin.symbol}`;
        await this.deps.service.status.move(
          plan.payouts.map((p) => p.id),
          ["approved"],
          "failed",
          { failure_reason: reason },
        );
      } else {
        ready.push(plan);
      }
    }
    const signed = ready.map((plan) => this.sign(plan, keys.get(plan.wallet.id)!));
    keys.clear();
    for (const s of signed) await this.store(s);
    await this.deps.afterSign?.(signed.flatMap((s) => s.plan.payouts.map((p) => p.id)));
    for (const s of signed) await this.broadcast(s.plan.wallet.currency, s.plan.payouts, s.hex);
    const after = await this.deps.payouts.findOwned(actor.userId, ids);
    after.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    return Promise.all(after.map((row) => this.deps.service.view(row)));
  }

  /** `GET /payouts/{id}/psbt`: the unsigned transaction of one approved payout, for an external signer. */
  async exportPsbt(actor: Actor, id: string) {
    const payout = await this.deps.service.getOwned(actor, id);
    if (payout.status !== "approved") throw invalidField(["status"], `Payout ${id} is ${payout.status}, not approved`);
    const { wallet, coin } = await this.deps.service.walletOf(actor, payout.wallet_id);
    const [plan] = await this.plan(wallet, coin, [payout], false);
    const tx = buildPsbt(plan!.selection, plan!.key, plan!.changeScript);
    return {
      psbt: psbtBase64(tx),
      fee: formatBaseUnits(plan!.selection.fee, coin.divisibility),
      fee_rate: plan!.feeRate,
      amount: formatBaseUnits(plan!.amounts[0]!, coin.divisibility),
      destination: payout.destination,
    };
  }

  /**
   * `POST /payouts/{id}/psbt`: the signed PSBT back. It must spend only the wallet's coins, pay the destination,
   * send any other output back to the wallet and keep within max_fee; then it is stored and broadcast as any send.
   */
  async submitPsbt(actor: Actor, id: string, text: string): Promise<PayoutView> {
    const payout = await this.deps.service.getOwned(actor, id);
    if (payout.status !== "approved") throw invalidField(["status"], `Payout ${id} is ${payout.status}, not approved`);
    const { wallet, coin } = await this.deps.service.walletOf(actor, payout.wallet_id);
    let tx: Transaction;
    try {
      tx = parsePsbt(text);
      if (!tx.isFinal) tx.finalize();
    } catch (error) {
      throw invalidField(["psbt"], `The PSBT cannot be finalized: ${(error as Error).message}`);
    }
    const own = new Set((await this.deps.walletAddresses(wallet.id)).map((a) => a.script));
    const destination = addressToScript(payout.destination, coin);
    let sent = 0n;
    for (let i = 0; i < tx.inputsLength; i++) {
      const script = tx.getInput(i).witnessUtxo?.script;
      if (!script || !own.has(Buffer.from(script).toString("hex")))
        throw invalidField(["psbt"], `Input ${i} does not spend a coin of this wallet`);
    }
    for (let i = 0; i < tx.outputsLength; i++) {
      const output = tx.getOutput(i);
      const script = Buffer.from(output.script!).toString("hex");
      if (script === destination) sent += output.amount!;
      else if (!own.has(script))
        throw invalidField(["psbt"], `Output ${i} pays neither the destination nor the wallet`);
    }
    if (sent === 0n) throw invalidField(["psbt"], "The transaction does not pay the payout's destination");
    const fee = tx.fee;
    const maxFee = payout.max_fee === null ? null : await this.baseUnits(payout, coin, payout.max_fee);
    if (maxFee !== null && fee > maxFee) {
      throw invalidField(["psbt"], `The fee ${formatBaseUnits(fee, coin.divisibility)} is above max_fee`);
    }
    const hex = tx.hex;
    const txid = tx.id;
    const feeRate = (Number((fee * 1000n) / BigInt(tx.vsize)) / 1000).toString();
    await this.deps.payouts.db.transaction(async () => {
      const moved = await this.deps.service.status.move([payout.id], ["approved"], "broadcasting", {
        tx_hash: txid,
        signed_tx: hex,
        sent_amount: sent.toString(),
        tx_fee: fee.toString(),
        fee_rate: feeRate,
        failure_reason: "",
      });
      if (moved.length !== 1) throw new AppError(409, "The payout changed meanwhile");
    });
    await this.deps.afterSign?.([payout.id]);
    await this.broadcast(wallet.currency, [payout], hex);
    return this.deps.service.view((await this.deps.payouts.findById(payout.id))!);
  }

  /** Re-broadcasts every stored transaction not yet known to be out (after a crash or an unreachable node). */
  async recover(): Promise<void> {
    for (const row of await this.deps.payouts.inFlight()) {
      if (row.status !== "broadcasting") continue;
      await this.broadcast(row.wallet_currency, [row], row.signed_tx!).catch((err) =>
        this.deps.logger.warn({ err, payoutId: row.id }, "payout re-broadcast failed"),
      );
    }
  }

  /** On each new block: sent payouts confirm (complete), or are found replaced or dropped. */
  onNewBlock(currency: string): Promise<void> {
    const running = this.checking.get(currency);
    if (running) return running;
    const check = this.checkInFlight(currency).finally(() => this.checking.delete(currency));
    this.checking.set(currency, check);
    return check;
  }

  private async checkInFlight(currency: string): Promise<void> {
    const rows = await this.deps.payouts.inFlight(currency);
    const byTx = new Map<string, (PayoutRow & { wallet_currency: string })[]>();
    for (const row of rows) byTx.set(row.tx_hash!, [...(byTx.get(row.tx_hash!) ?? []), row]);
    for (const [txid, group] of byTx) {
      const first = group[0]!;
      try {
        if (first.status === "broadcasting") {
          await this.broadcast(currency, group, first.signed_tx!);
          continue;
        }
        const status = await this.deps.chains.transactionStatus(currency, txid, first.signed_tx!);
        const ids = group.map((p) => p.id);
        if (status.state === "confirmed") {
          const coin = this.deps.service.coinOf(currency);
          await this.deps.service.status.move(ids, ["sent"], "complete", {
            used_fee: formatBaseUnits(BigInt(first.tx_fee ?? "0"), coin?.divisibility ?? 8),
          });
        } else if (status.state === "replaced") {
          await this.deps.service.status.move(ids, ["sent"], "failed", {
            failure_reason: `Transaction ${txid} was replaced: another transaction spends its inputs`,
          });
        } else if (status.state === "missing") {
          // Dropped from the mempool: the same transaction goes out again (idempotent), or fails with the reason.
          await this.deps.chains.broadcast(currency, first.signed_tx!).catch(async (error) => {
            if (!this.deps.chains.isRejection(error)) throw error;
            await this.deps.service.status.move(ids, ["sent"], "failed", {
              failure_reason: `Transaction ${txid} was dropped and refused when sent again: ${(error as Error).message}`,
            });
          });
        }
      } catch (err) {
        this.deps.logger.warn({ err, txid }, "could not check a payout's transaction");
      }
    }
  }

  /** Broadcasts a stored transaction: `sent` on success, `failed` with the node's reason on a refusal. */
  private async broadcast(currency: string, payouts: readonly PayoutRow[], hex: string): Promise<void> {
    const ids = payouts.map((p) => p.id);
    try {
      await this.deps.chains.broadcast(currency, hex);
    } catch (error) {
      if (!this.deps.chains.isRejection(error)) {
        // Unreachable: stays `broadcasting`; the next block or restart sends the same transaction again.
        this.deps.logger.warn({ err: error, payouts: ids }, "payout broadcast did not reach the network");
        return;
      }
      await this.deps.service.status.move(ids, ["broadcasting"], "failed", {
        failure_reason: `The network refused the transaction: ${(error as Error).message}`,
      });
      return;
    }
    await this.deps.service.status.move(ids, ["broadcasting"], "sent");
  }

  /** Signed transaction and txid written with the move to `broadcasting`, all payouts of the plan or none. */
  private async store({ plan, txid, hex }: Signed): Promise<void> {
    await this.deps.payouts.db.transaction(async () => {
      for (const [i, payout] of plan.payouts.entries()) {
        const moved = await this.deps.service.status.move([payout.id], ["approved"], "broadcasting", {
          tx_hash: txid,
          signed_tx: hex,
          sent_amount: plan.selection.outputs[i]!.amount.toString(),
          tx_fee: plan.selection.fee.toString(),
          fee_rate: plan.feeRate,
          failure_reason: "",
        });
        if (moved.length !== 1) throw new AppError(409, `Payout ${payout.id} changed while it was being sent`);
      }
    });
  }

  private sign(plan: Plan, accountXprv: string): Signed {
    const tx = buildPsbt(plan.selection, plan.key, plan.changeScript);
    try {
      signPsbt(tx, plan.selection.inputs, accountXprv, plan.key);
    } catch (error) {
      if (error instanceof SigningKeyMismatchError)
        throw invalidField(["options", "wallets", plan.wallet.id], "This key is not the key of the wallet");
      throw error;
    }
    return { plan, txid: tx.id, hex: tx.hex };
  }

  /**
   * The wallet's account private key from what the merchant gave (xprv/tprv/…, Electrum seed, BIP-39 mnemonic) or
   * from the hot wallet; checked to be this wallet's key before anything is built. Never stored, never logged.
   */
  private accountPrivateKey(wallet: WalletRow, coin: CoinDefinition, supplied: string | undefined): string {
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

  /** Coin selection for a wallet's payouts: one plan per payout, or one for all with `batch`. */
  private async plan(wallet: WalletRow, coin: CoinDefinition, payouts: PayoutRow[], batch: boolean): Promise<Plan[]> {
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
      const change = await this.deps.nextChangeAddress(wallet.id);
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
  private async baseUnits(payout: PayoutRow, coin: CoinDefinition, amount: string): Promise<bigint> {
    const units = new Big(10).pow(coin.divisibility);
    let value = new Big(amount);
    if (payout.currency.toUpperCase() !== coin.symbol.toUpperCase()) {
      value = value.div(await this.deps.priceIn(coin.symbol, payout.currency, payout.store_id));
    }
    return BigInt(value.times(units).round(0, INTEGER_UNITS).toFixed(0));
  }
}
