import type { RequestAccess } from '../access.js';
import type { Model } from '../model/model.js';
import type { Operation } from '../model/operation.js';

/**
 * What every resolver sees: this request's model, what the request may do (for scope checks),
 * and its operation (the upstream calls it makes, its end).
 */
export interface GatewayContext {
  model: Model;
  access: RequestAccess;
  operation: Operation;
}
