"""The header clock's 15 cities, as the 2017 site offered them. Operators edit them in the newsroom."""

from django.db import migrations

# name, slug, IANA zone, latitude, longitude
CITIES = [
    ("Moscow", "moscow", "Europe/Moscow", "55.7558", "37.6173"),
    ("St. Petersburg", "st-petersburg", "Europe/Moscow", "59.9343", "30.3351"),
    ("Novosibirsk", "novosibirsk", "Asia/Novosibirsk", "55.0084", "82.9357"),
    ("Ekaterinburg", "ekaterinburg", "Asia/Yekaterinburg", "56.8389", "60.6057"),
    ("Nizhny Novgorod", "nizhny-novgorod", "Europe/Moscow", "56.2965", "43.9361"),
    ("Samara", "samara", "Europe/Samara", "53.1959", "50.1002"),
    ("Kazan", "kazan", "Europe/Moscow", "55.7961", "49.1064"),
    ("Omsk", "omsk", "Asia/Omsk", "54.9885", "73.3242"),
    ("Chelyabinsk", "chelyabinsk", "Asia/Yekaterinburg", "55.1644", "61.4368"),
    ("Rostov-on-Don", "rostov-on-don", "Europe/Moscow", "47.2357", "39.7015"),
    ("Ufa", "ufa", "Asia/Yekaterinburg", "54.7388", "55.9721"),
    ("Volgograd", "volgograd", "Europe/Volgograd", "48.7080", "44.5133"),
    ("Perm", "perm", "Asia/Yekaterinburg", "58.0105", "56.2502"),
    ("Krasnoyarsk", "krasnoyarsk", "Asia/Krasnoyarsk", "56.0153", "92.8932"),
    ("Voronezh", "voronezh", "Europe/Moscow", "51.6720", "39.1843"),
]


def add_cities(apps, schema_editor):
    City = apps.get_model("weather", "City")
    for order, (name, slug, zone, latitude, longitude) in enumerate(CITIES):
        City.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "zone": zone,
                "latitude": latitude,
                "longitude": longitude,
                "order": order,
            },
        )


def remove_cities(apps, schema_editor):
    apps.get_model("weather", "City").objects.filter(slug__in=[row[1] for row in CITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("weather", "0001_initial")]
    operations = [migrations.RunPython(add_cities, remove_cities)]
