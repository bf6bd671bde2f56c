export { blockedAddressReason, parseIPv4, parseIPv6 } from "./address-policy.ts";
export {
  DEFAULT_DELIVERY_POLICY,
  DELIVERY_BACKOFF,
  DELIVERY_RETRY_WINDOW_MS,
  type DeliveryPolicy,
} from "./delivery-policy.ts";
export { type HttpResult, HttpSender, type HttpSenderOptions } from "./http-sender.ts";
export { IPN_JOB, type IpnBody, IpnChannel, type IpnPayload, type IpnSendOptions, urlOrigin } from "./ipn.ts";
export {
  PROVIDER_JOB,
  ProviderChannel,
  type ProviderChannelDeps,
  type ProviderPayload,
  type ProviderTarget,
} from "./provider-channel.ts";
export { type HttpCall, type ProviderEndpoints, type ProviderMessage, providerRequest } from "./provider-requests.ts";
export { SIGNATURE_HEADER, signBody, verifySignature } from "./signing.ts";
