export { type NotificationView, presentNotification } from "./notification.presenter.ts";
export { NotificationRepository } from "./notification.repository.ts";
export { NOTIFICATION_EVENTS, PROVIDERS, type Provider } from "./notification.schemas.ts";
export { isSecretKey } from "./notification-secrets.ts";
export { registerNotificationRoutes } from "./notifications.routes.ts";
export { NotificationsService } from "./notifications.service.ts";
export { PROVIDER_SCHEMAS, type ProviderSchema } from "./provider-schemas.ts";
