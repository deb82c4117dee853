const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two points, in km (haversine). */
export function greatCircleKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Block time from distance: taxi and climb allowance plus cruise at about 800 km/h, with
 * prevailing westerly winds shortening eastbound and lengthening westbound flights.
 */
export function blockMinutes(distanceKm: number, from: { lon: number }, to: { lon: number }): number {
  let dLon = to.lon - from.lon;
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  const wind = dLon > 0 ? 0.96 : 1.05;
  const minutes = 30 + (distanceKm / 800) * 60 * wind;
  return Math.max(30, Math.round(minutes / 5) * 5);
}
