image = "shop/checkout:1.4"
