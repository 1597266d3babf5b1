package suppliersim

import (
	"errors"
	"fmt"
	_ "time/tzdata" // hotel time zones must load on hosts without zoneinfo

	"lobang/destinations"
)

// defaultPlaces is the gazetteer of the lobang/destinations package, ranked as All() orders it.
func defaultPlaces() (Places, error) {
	all := destinations.All()
	if len(all) == 0 {
		return nil, fmt.Errorf("load destinations: %w", errors.New("no destinations"))
	}
	places := make([]Place, len(all))
	for i, d := range all {
		places[i] = Place{UID: d.UID, Name: d.Name, ASCIIName: d.ASCIIName, Region: d.Region,
			Country: d.Country, CountryCode: d.CountryCode, Lat: d.Lat, Lng: d.Lng,
			Population: d.Population, TimeZone: d.TimeZone}
	}
	return NewPlaceList(places), nil
}
