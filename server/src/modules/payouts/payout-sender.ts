import type { Transaction } from "@scure/btc-signer";
import {
  buildPsbt,
  parsePsbt,
  psbtBase64,
  SigningKeyMismatchError,
  signPsbt,
} from "../../chains/bitcoin/transactions.ts";
import { addressToScript, formatBaseUnits, type TransactionStatus } from "../../chains/index.ts";
import type { Actor } from "../../kernel/actor.ts";
import { AppError, invalidField } from "../../kernel/errors.ts";
import type { Logger } from "../../kernel/logger.ts";
import type { PayoutView } from "./payout.presenter.ts";
import type { PayoutRow } from "./payout.repository.ts";
import { sendOptionsSchema } from "./payout.schemas.ts";
import { PayoutPlanner, type Plan, type PlannerChains, type PlannerDeps } from "./payout-planner.ts";
import type { PayoutsService } from "./payouts.service.ts";

/** What sending needs from the chains (ChainRuntime). */
export interface PayoutChains extends PlannerChains {
  /** Resolves with the txid (idempotent), or rejects. */
  broadcast(currency: string, rawTxHex: string): Promise<string>;
  transactionStatus(currency: string, txid: string, rawTxHex?: string): Promise<TransactionStatus>;
  /** Whether a failed broadcast was a refusal by the network rather than a failure to reach it. */
  isRejection(error: unknown): boolean;
}

export interface PayoutSenderDeps extends PlannerDeps {
  service: PayoutsService;
  chains: PayoutChains;
  logger: Logger;
  /** Test seam: runs after transactions are signed and stored, before they are broadcast. */
  afterSign?: (payoutIds: string[]) => void | Promise<void>;
}

interface Signed {
  plan: Plan;
  txid: string;
  hex: string;
}

/**
 * Sends approved payouts: coin selection over the wallet's confirmed coins, one transaction per payout or per wallet
 * (`batch`), signed in memory with the key given for the wallet (or a hot wallet's own), stored with its txid in the
 * same transaction as the move to `broadcasting`, and only then broadcast. A restart re-broadcasts stored
 * transactions (`recover`), never builds new ones. Confirmation, replacement and drops are followed on each block.
 */
export class PayoutSender {
  private readonly checking = new Map<string, Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly planner: PayoutPlanner;

  constructor(private readonly deps: PayoutSenderDeps) {
    this.planner = new PayoutPlanner(deps);
  }

  /**
   * Sends (and PSBT submissions) run one at a time: two at once could pick the same coins, and the second transaction
   * would replace the first (RBF). Chain backends run in one process (the leader), so a process-wide queue is enough.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Bitcart's batch command `send`: `{wallets: {wallet_id: key}, batch}`. */
  send(actor: Actor, ids: string[], rawOptions: unknown): Promise<PayoutView[]> {
    return this.exclusive(() => this.sendNow(actor, ids, rawOptions));
  }

  private async sendNow(actor: Actor, ids: string[], rawOptions: unknown): Promise<PayoutView[]> {
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
      keys.set(walletId, this.planner.accountPrivateKey(wallet, coin, options.wallets[walletId]));
      plans.push(...(await this.planner.plan(wallet, coin, payouts, Boolean(options.batch))));
    }

    const overMaxFee = (plan: Plan) => plan.maxFee !== null && plan.selection.fee > plan.maxFee;
    // Signing happens in memory and can still refuse a key: before any payout changes.
    const signed = plans.filter((p) => !overMaxFee(p)).map((plan) => this.sign(plan, keys.get(plan.wallet.id)!));
    keys.clear();
    for (const plan of plans.filter(overMaxFee)) {
      const units = (value: bigint) => `${formatBaseUnits(value, plan.coin.divisibility)} ${plan.coin.symbol}`;
      await this.deps.service.status.move(
        plan.payouts.map((p) => p.id),
        ["approved"],
        "failed",
        {
          failure_reason: `The network fee ${units(plan.selection.fee)} (${plan.feeRate} sat/vB) is above max_fee ${units(plan.maxFee!)}`,
        },
      );
    }
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
    const [plan] = await this.planner.plan(wallet, coin, [payout], false, true);
    const tx = buildPsbt(plan!.selection, plan!.key, plan!.changeScript);
    return {
      psbt: psbtBase64(tx),
      fee: formatBaseUnits(plan!.selection.fee, coin.divisibility),
      fee_rate: plan!.feeRate,
      fee_rate_source: plan!.feeRateSource,
      amount: formatBaseUnits(plan!.amounts[0]!, coin.divisibility),
      destination: payout.destination,
    };
  }

  /**
   * `POST /payouts/{id}/psbt`: the signed PSBT back. It must spend only the wallet's coins, pay the destination,
   * send any other output back to the wallet and keep within max_fee; then it is stored and broadcast as any send.
   */
  submitPsbt(actor: Actor, id: string, text: string): Promise<PayoutView> {
    return this.exclusive(() => this.submitPsbtNow(actor, id, text));
  }

  private async submitPsbtNow(actor: Actor, id: string, text: string): Promise<PayoutView> {
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
    const addresses = await this.deps.walletAddresses(wallet.id);
    const own = new Set(addresses.map((a) => a.script));
    const changeIndex = new Map(addresses.filter((a) => a.chain === 1).map((a) => [a.script, a.idx]));
    let lastChange = -1;
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
      lastChange = Math.max(lastChange, changeIndex.get(script) ?? -1);
      if (script === destination) sent += output.amount!;
      else if (!own.has(script))
        throw invalidField(["psbt"], `Output ${i} pays neither the destination nor the wallet`);
    }
    if (sent === 0n) throw invalidField(["psbt"], "The transaction does not pay the payout's destination");
    const fee = tx.fee;
    const maxFee = payout.max_fee === null ? null : await this.planner.baseUnits(payout, coin, payout.max_fee);
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
        fee_rate_source: "psbt",
        failure_reason: "",
      });
      if (moved.length !== 1) throw new AppError(409, "The payout changed meanwhile");
    });
    if (lastChange >= 0) await this.deps.changeUsed(wallet.id, lastChange);
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
          fee_rate_source: plan.feeRateSource,
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
}
