export { TillClient, type TillClientOptions } from "./client.ts";
export { describeDetail, TillApiError } from "./errors.ts";
export {
  buildUrl,
  type Query,
  type QueryScalar,
  type QueryValue,
  type RequestOptions,
  Transport,
  type TransportOptions,
} from "./http.ts";
export {
  type Payout,
  type PayoutCreate,
  type PayoutStatus,
  PayoutsResource,
  type PayoutUpdate,
  type Refund,
  type RefundCreate,
  RefundsResource,
  type SendOptions,
  type UnsignedPayout,
} from "./payouts.ts";
export { CrudResource, Resource } from "./resource.ts";
export {
  DiscountsResource,
  FilesResource,
  HealthResource,
  NotificationsResource,
  PoliciesResource,
  ProductsResource,
  StoresResource,
  TemplatesResource,
  TokensResource,
  UsersResource,
} from "./resources.ts";
export type * from "./types.ts";
