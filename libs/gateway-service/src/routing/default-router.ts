import type { ModelRouter } from '../pipeline/extensions';
import { resolveModel } from './resolve-model';

/** Routes a model to the provider that serves it (routing rules replace this later). */
export const modelCatalogRouter: ModelRouter = {
  route: (_ctx, org, key, model) => resolveModel(org, key, model),
};
