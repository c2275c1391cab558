/** Distances and route links. */

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

const fmt = (n: number) => n.toFixed(5).replace(/0+$/, '').replace(/\.$/, '');

/**
 * OpenStreetMap directions on foot; without a start the site asks for one.
 * @see https://wiki.openstreetmap.org/wiki/Browsing#Directions (the `route=lat,lon;lat,lon` parameter)
 */
export function routeUrl(to: LatLon, from?: LatLon | null): string {
  const start = from ? `${fmt(from.lat)}%2C${fmt(from.lon)}` : '';
  return `https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=${start}%3B${fmt(to.lat)}%2C${fmt(to.lon)}`;
}
