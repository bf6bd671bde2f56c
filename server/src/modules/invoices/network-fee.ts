import { Big } from "../../kernel/money.ts";

/**
 * Virtual size of the payment a customer typically sends: one P2WPKH input, the payment and a change output
 * (141 vB). `include_network_fee` adds this much fee to the amount due, so the merchant receives the price net
 * of what the customer's wallet will likely pay.
 */
export const TYPICAL_PAYMENT_VBYTES = 141;

/** The fee, in base units, of a typical payment at `satPerVbyte` (rounded up: never less than the rate asks). */
export function typicalPaymentFee(satPerVbyte: string): bigint {
  return BigInt(new Big(satPerVbyte).times(TYPICAL_PAYMENT_VBYTES).round(0, Big.roundUp).toFixed(0));
}

/** Bitcart's `recommended_fee`: sat/vbyte truncated to two decimals, "0" when there is no estimate. */
export function recommendedFee(satPerVbyte: string | null): string {
  if (satPerVbyte === null) return "0";
  return new Big(satPerVbyte).round(2, Big.roundDown).toString();
}
