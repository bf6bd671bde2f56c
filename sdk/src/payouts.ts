import { segment, type Transport } from "./http.ts";
import { CrudResource } from "./resource.ts";
import type { Metadata, OwnedRecord } from "./types.ts";

export type PayoutStatus = "pending" | "approved" | "broadcasting" | "sent" | "complete" | "cancelled" | "failed";

export interface Payout extends OwnedRecord {
  store_id: string | null;
  wallet_id: string;
  /** Decimal in `currency`; "-1" = the whole balance. */
  amount: string;
  currency: string;
  destination: string;
  status: PayoutStatus;
  notification_url: string;
  max_fee: string | null;
  tx_hash: string | null;
  /** Coin, once the transaction confirmed. */
  used_fee: string | null;
  /** Why the payout failed (fee above max_fee, refused, replaced…); "" otherwise. */
  failure_reason: string;
  /** Coin sent to the destination, once signed. */
  sent_amount: string | null;
  /** The whole transaction's fee in coin (shared by a batch), once signed. */
  tx_fee: string | null;
  /** Base units per vbyte. */
  fee_rate: string | null;
  fee_rate_source: "estimate" | "floor" | "psbt" | null;
}

export interface PayoutCreate {
  amount: string | number;
  currency?: string;
  destination: string;
  wallet_id: string;
  store_id?: string;
  notification_url?: string;
  max_fee?: string | number;
  metadata?: Metadata;
}

export type PayoutUpdate = Partial<
  Pick<PayoutCreate, "amount" | "destination" | "notification_url" | "max_fee" | "metadata">
>;

export interface SendOptions {
  /** The key of each wallet sending (extended private key, Electrum seed or BIP-39 mnemonic); used in memory only. */
  wallets?: Record<string, string>;
  /** One transaction per wallet. */
  batch?: boolean;
}

export interface UnsignedPayout {
  /** Base64 PSBT. */
  psbt: string;
  fee: string;
  fee_rate: string;
  fee_rate_source: string;
  amount: string;
  destination: string;
}

export interface Refund {
  id: string;
  amount: string;
  currency: string;
  invoice_id: string;
  wallet_id: string | null;
  payout_id: string | null;
  destination: string | null;
  created: string;
}

export interface RefundCreate {
  amount: string | number;
  currency: string;
  /** Where the web app is: the email links to `{admin_host}/refunds/{id}`. */
  admin_host?: string;
  /** Email the customer (default true). */
  send_email?: boolean;
}

/** `/payouts`: CRUD, the `approve` / `cancel` / `send` commands and the PSBT flow. */
export class PayoutsResource extends CrudResource<Payout, PayoutCreate, PayoutUpdate> {
  constructor(http: Transport) {
    super(http, "/payouts");
  }

  approve(ids: string[]): Promise<boolean> {
    return this.batch(ids, "approve");
  }

  cancel(ids: string[]): Promise<boolean> {
    return this.batch(ids, "cancel");
  }

  /** Sends approved payouts; answers them after the command. */
  send(ids: string[], options: SendOptions = {}): Promise<Payout[]> {
    return this.http.post<Payout[]>(`${this.path}/batch`, { ids, command: "send", options });
  }

  /** The unsigned transaction of an approved payout, for a hardware wallet or another signer. */
  psbt(id: string): Promise<UnsignedPayout> {
    return this.http.get<UnsignedPayout>(this.itemPath(id, "/psbt"));
  }

  /** The signed PSBT back: checked, stored and broadcast. */
  submitPsbt(id: string, psbt: string): Promise<Payout> {
    return this.http.post<Payout>(this.itemPath(id, "/psbt"), { psbt });
  }
}

/** Bitcart's refunds: the merchant offers one for an invoice, the customer gives the address. */
export class RefundsResource {
  constructor(private readonly http: Transport) {}

  create(invoiceId: string, input: RefundCreate): Promise<Refund> {
    return this.http.post<Refund>(`/invoices/${segment(invoiceId)}/refunds`, input);
  }

  /** Public. */
  get(refundId: string): Promise<Refund> {
    return this.http.get<Refund>(`/invoices/refunds/${segment(refundId)}`);
  }

  /** Public: the customer's address; creates a pending payout for the merchant to approve. */
  submit(refundId: string, destination: string): Promise<Refund> {
    return this.http.post<Refund>(`/invoices/refunds/${segment(refundId)}/submit`, { destination });
  }
}
