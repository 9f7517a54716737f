/**
 * What the REST API returns, apart from the entities' views: each record is built from a view by its {@code of}, so
 * an entity can change its state and views without changing the API, and the API changes only here (and in
 * docs/openapi.yaml).
 */
package io.chargeplane.gateway.api.dto;
