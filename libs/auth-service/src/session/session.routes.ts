import { defineRoute, uuidParam } from '@optscale/admin-api';
import { z } from 'zod';
import { emailSchema, passwordSchema, roleSchema } from '../schemas';

const TAG = 'Auth';

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  organization_id: z.string(),
});

export const sessionRoutes = {
  login: defineRoute({
    method: 'POST',
    path: '/auth/login',
    summary: 'Log in with email and password; returns a session token (12 h)',
    description:
      'An email may exist in several organizations; then `organization_id` is required. A wrong password and an unknown email give the same 401.',
    tag: TAG,
    access: 'public',
    body: z.object({
      email: emailSchema,
      // Not `passwordSchema`: a login must not tell which length rules a stored password broke.
      password: z.string().min(1).max(256),
      organization_id: uuidParam.optional(),
    }),
    response: z.object({ token: z.string(), expires_at: z.string(), user: sessionUserSchema }),
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/auth/logout',
    summary: 'End this session (the token stops working)',
    tag: TAG,
    access: 'authenticated',
    status: 204,
  }),
  me: defineRoute({
    method: 'GET',
    path: '/me',
    summary: 'The caller: user, organization, teams and allowed providers (or the installation token)',
    tag: TAG,
    access: 'authenticated',
  }),
  changePassword: defineRoute({
    method: 'PUT',
    path: '/me/password',
    summary: "Change the caller's password (needs the current one); other sessions end",
    tag: TAG,
    access: 'authenticated',
    body: z.object({ current_password: z.string().min(1).max(256), new_password: passwordSchema }),
    status: 204,
  }),
};
