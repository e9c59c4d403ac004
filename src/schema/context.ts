import type { RequestAccess } from '../access.js';
import type { Model } from '../model/model.js';

/** What every resolver sees: this request's model and what the request may do (for scope checks). */
export interface GatewayContext {
  model: Model;
  access: RequestAccess;
}
