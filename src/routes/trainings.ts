import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../http/auth.ts';
import { errorResponse, uuidParam } from '../schemas/common.ts';
import {
  attendanceBody, attendanceResult, signupBody, signupResult, signupsList, trainingBody, trainingCreated, trainingsList, trainingsQuery,
} from '../schemas/services.ts';
import { recordEvent, requireCounty } from '../services/actor.ts';
import { createTraining, getTraining, listTrainings, recordAttendance, signupsOf, signUp, type Training } from '../services/trainings.ts';
import { serviceHttpError, serviceTransaction } from './service-errors.ts';
import { guarded, noSuch } from './guarded.ts';

function view(t: Training) {
  return {
    id: t.id, topic: t.topic, county: t.county, town: t.town, place: t.place, startsAt: new Date(t.startsAt).toISOString(),
    capacity: t.capacity, seated: t.seated, waitlisted: t.waitlisted, attended: t.attended,
  };
}

/** Training sessions: created by administrators and officers (their county), signed up for, attendance recorded. */
export const trainingRoutes: FastifyPluginAsyncZod = async (app) => {
  const staff = guarded(requireRole(app.resolveToken, 'admin', 'officer'), ['trainings']);
  const readers = guarded(requireRole(app.resolveToken, 'admin', 'officer', 'expert', 'integration'), ['trainings']);

  app.post('/api/v1/trainings', staff({
    summary: '安排一期培训（主题、地点、时间、名额）', body: trainingBody,
    response: { 201: trainingCreated, 400: errorResponse, 401: errorResponse, 403: errorResponse },
  }), async (request, reply) => {
    const t = await serviceTransaction(app.db.pool, (client) => createTraining(client, request.body, request.principal!));
    return reply.status(201).send({ id: t.id });
  });

  app.get('/api/v1/trainings', readers({
    summary: '以后的培训：本镇、本县在前，时间近的在前', querystring: trainingsQuery,
    response: { 200: trainingsList, 400: errorResponse, 401: errorResponse },
  }), async (request) => {
    const q = request.query;
    const list = await listTrainings(app.db.pool, { county: q.county, town: q.town, from: q.from ? new Date(q.from) : new Date(), limit: q.limit });
    return { trainings: list.map(view) };
  });

  app.post('/api/v1/trainings/:id/signups', staff({
    summary: '给农户报名：有座位给座位号，满了排候补；同一手机号再报给原来的位置',
    params: uuidParam, body: signupBody,
    response: { 200: signupResult, 201: signupResult, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse },
  }), async (request, reply) => {
    const actor = request.principal!;
    const result = await serviceTransaction(app.db.pool, async (client) => {
      const training = await getTraining(client, request.params.id);
      if (!training) return undefined;
      requireCounty(actor, training.county, '培训');
      const r = await signUp(client, training.id, { phone: request.body.phone });
      if (r && !r.existing) await recordEvent(client, { entity: 'signup', entityId: r.signup.id, action: r.signup.status, actor, detail: { trainingId: training.id } });
      return r;
    });
    if (!result) throw noSuch('培训', request.params.id);
    const s = result.signup;
    return reply.status(result.existing ? 200 : 201).send({
      status: s.status, ...(s.seat !== null ? { seat: s.seat } : {}), ...(s.position !== null ? { position: s.position } : {}), existing: result.existing,
    });
  });

  app.get('/api/v1/trainings/:id/signups', staff({
    summary: '报名名单（座位、候补、是否到场）', params: uuidParam,
    response: { 200: signupsList, 401: errorResponse, 403: errorResponse, 404: errorResponse },
  }), async (request) => {
    const training = await getTraining(app.db.pool, request.params.id);
    if (!training) throw noSuch('培训', request.params.id);
    try {
      requireCounty(request.principal!, training.county, '培训');
    } catch (err) {
      serviceHttpError(err);
    }
    const signups = await signupsOf(app.db.pool, training.id);
    return { signups: signups.map((s) => ({ phone: s.phone, status: s.status, seat: s.seat, position: s.position, attended: s.attended })) };
  });

  app.post('/api/v1/trainings/:id/attendance', staff({
    summary: '记录到场（计入项目进度）', params: uuidParam, body: attendanceBody,
    response: { 200: attendanceResult, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
  }), async (request) => {
    const result = await serviceTransaction(app.db.pool, (client) =>
      recordAttendance(client, request.params.id, request.body.attendance, request.principal!),
    );
    if (!result) throw noSuch('培训', request.params.id);
    return { updated: result.updated };
  });
};
