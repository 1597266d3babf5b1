package catalog_test

import "lobang/db"

func key(s, id string) db.SupplierHotelKey { return db.SupplierHotelKey{Supplier: s, ID: id} }
