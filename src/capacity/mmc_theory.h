// The M/M/c queue's closed forms, for the known answer of serve-sim's queue
// mode (sim/queue_engine.h; docs/CAPACITY.md#known-answer).
//   Erlang C: P(wait > 0) = [a^c/c! * c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! * c/(c-a)],
//             a = lambda/mu (offered load), a < c.
//   P(wait > x) = ErlangC(c, a) * exp(-(c*mu - lambda) * x).
#pragma once

namespace l4lab::capacity {

double erlang_c(int c, double a);
// P(wait > x_s) for arrival rate lambda, service rate mu per slot, c slots.
double mmc_wait_exceeds(int c, double lambda, double mu, double x_s);
// The arrival rate at which P(wait > x_s) equals `fraction` (e.g. 0.05 for a
// p95 limit): the capacity under the SLO "wait quantile <= x_s".
double mmc_capacity(int c, double mu, double x_s, double fraction);

}  // namespace l4lab::capacity
