"""Word lists for the generated extraction: French names, cities, structures.

Weights follow a rough Zipf law (earlier = more frequent) so that some surnames, given names and
cities are common, as in the real directory, and searches meet both broad and narrow matches.
"""

from __future__ import annotations

# fmt: off

SURNAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Müller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martínez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Leclercq", "Guillaume", "Lecomte", "López", "Jean", "Dupuy", "Guillot", "Hubert", "Berger",
    "Carpentier", "Sánchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur", "Perez",
    "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty",
    "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard",
    "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernández", "Le Gall", "Collet", "Léger",
    "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
    "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier",
    "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob",
    "Monnier", "Michaud", "Rodríguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain",
    "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
    "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
    "Laporte", "Dupont-Lajoie", "Saint-Martin", "N'Diaye", "D'Arcy", "Lœuillet", "Œhmichen",
    "Ferrand", "Navarro", "Bodin", "Texier", "Courtois", "Bouquet", "Maury", "Hardy",
)

GIVEN_FEMALE = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Christine", "Anne",
    "Sandrine", "Valérie", "Véronique", "Sophie", "Céline", "Stéphanie", "Élodie", "Julie",
    "Aurélie", "Camille", "Émilie", "Hélène", "Laure", "Léa", "Chloé", "Manon", "Inès", "Zoé",
    "Anne-Marie", "Marie-Claire", "Noémie", "Maëlle", "Agnès", "Bérénice", "Gaëlle", "Solène",
    "Mélanie", "Pauline", "Claire", "Audrey", "Océane", "Clémence",
)
GIVEN_MALE = (
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
    "Christian", "Éric", "Frédéric", "Laurent", "Stéphane", "David", "Pascal", "Daniel",
    "Sébastien", "Julien", "Thierry", "Olivier", "Jérôme", "François", "Hervé", "Benoît",
    "Jean-Pierre", "Jean-François", "Jean-Luc", "Grégoire", "Thomas", "Antoine", "Hugo",
    "Théo", "Raphaël", "Gaël", "Joël", "Noël", "Loïc", "Cédric", "Mathéo", "Étienne",
)

# (city, postcode, department)
CITIES = (
    ("Paris", "75011", "75"), ("Paris", "75015", "75"), ("Paris", "75013", "75"),
    ("Lyon", "69003", "69"), ("Marseille", "13005", "13"), ("Toulouse", "31000", "31"),
    ("Nice", "06000", "06"), ("Nantes", "44000", "44"), ("Strasbourg", "67000", "67"),
    ("Montpellier", "34000", "34"), ("Bordeaux", "33000", "33"), ("Lille", "59000", "59"),
    ("Rennes", "35000", "35"), ("Reims", "51100", "51"), ("Saint-Étienne", "42000", "42"),
    ("Le Havre", "76600", "76"), ("Toulon", "83000", "83"), ("Grenoble", "38000", "38"),
    ("Dijon", "21000", "21"), ("Angers", "49000", "49"), ("Nîmes", "30000", "30"),
    ("Villeurbanne", "69100", "69"), ("Clermont-Ferrand", "63000", "63"),
    ("Le Mans", "72000", "72"), ("Aix-en-Provence", "13100", "13"), ("Brest", "29200", "29"),
    ("Tours", "37000", "37"), ("Amiens", "80000", "80"), ("Limoges", "87000", "87"),
    ("Annecy", "74000", "74"), ("Perpignan", "66000", "66"), ("Metz", "57000", "57"),
    ("Besançon", "25000", "25"), ("Orléans", "45000", "45"), ("Saint-Denis", "93200", "93"),
    ("Rouen", "76000", "76"), ("Argenteuil", "95100", "95"), ("Mulhouse", "68100", "68"),
    ("Montreuil", "93100", "93"), ("Caen", "14000", "14"), ("Nancy", "54000", "54"),
    ("Saint-Paul", "97460", "974"), ("Saint-Maur-des-Fossés", "94100", "94"),
    ("L'Haÿ-les-Roses", "94240", "94"), ("Saint-Priest", "69800", "69"),
    ("Sainte-Geneviève-des-Bois", "91700", "91"), ("Saint-Nazaire", "44600", "44"),
    ("Châlons-en-Champagne", "51000", "51"), ("Ajaccio", "20000", "2A"),
    ("Bastia", "20200", "2B"), ("Évry-Courcouronnes", "91000", "91"), ("Épinal", "88000", "88"),
    ("Pointe-à-Pitre", "97110", "971"), ("Fort-de-France", "97200", "972"),
    ("Cœuvres-et-Valsery", "02600", "02"), ("Saint-Quentin", "02100", "02"),
    ("Bourg-en-Bresse", "01000", "01"), ("Sainte-Maxime", "83120", "83"),
    ("Vitry-sur-Seine", "94400", "94"), ("Créteil", "94000", "94"),
)

STREET_TYPES = ("RUE", "AV", "BD", "PL", "CHE", "ALL", "IMP", "QUAI", "RTE")
STREETS = (
    "de la République", "Victor Hugo", "du Général de Gaulle", "Jean Jaurès", "Pasteur",
    "de la Gare", "des Écoles", "Émile Zola", "du Maréchal Foch", "Saint-Exupéry",
    "de l'Hôpital", "des Lilas", "Sainte-Catherine", "du Château", "Gambetta", "Carnot",
    "de Verdun", "des Frères Lumière", "Marcel Pagnol", "de la Paix",
)

# (structure name pattern, identifier type: 1 FINESS, 3 SIRET, share)
STRUCTURES = (
    ("Centre hospitalier de {city}", "1"),
    ("CHU de {city}", "1"),
    ("Clinique Sainte-Anne {city}", "1"),
    ("Clinique du Parc", "1"),
    ("EHPAD Les Tilleuls", "1"),
    ("Centre de santé municipal de {city}", "1"),
    ("Laboratoire de biologie médicale {surname}", "1"),
    ("Pharmacie de la Gare", "1"),
    ("Pharmacie {surname}", "1"),
    ("Cabinet médical {surname}", "3"),
    ("Cabinet de kinésithérapie du Centre", "3"),
    ("Cabinet dentaire {surname}", "3"),
    ("Maison de santé pluriprofessionnelle de {city}", "3"),
    ("Cabinet d'infirmiers {surname}", "3"),
    ("Centre de radiologie {city}", "3"),
)

SERVICES = (
    "Service de cardiologie", "Service des urgences", "Secrétariat de radiologie",
    "Service de pédiatrie", "Unité de soins palliatifs", "Service de gynécologie-obstétrique",
    "Laboratoire de biologie", "Pharmacie à usage intérieur", "Service de médecine interne",
    "Département d'information médicale", "Service d'oncologie", "Accueil des admissions",
)
APPLICATIONS = (
    "Résultats de biologie", "Comptes rendus d'imagerie", "Dossier patient informatisé",
    "Lettres de liaison", "Messagerie du SAMU",
)

DOMAINS = (
    "medecin.mssante.fr", "pharmacien.mssante.fr", "infirmier.mssante.fr",
    "chirurgien-dentiste.mssante.fr", "sage-femme.mssante.fr", "masseur-kine.mssante.fr",
    "ch-saint-etienne.mssante.fr", "chu-lyon.mssante.fr", "aphp.mssante.fr",
    "sante-idf.mssante.fr", "esante-bretagne.mssante.fr", "ght-alpes.mssante.fr",
    "labo-bio.mssante.fr", "clinique-parc.mssante.fr", "msp-occitanie.mssante.fr",
)

# (profession code, label, share, specialties (code, label), ADELI share)
PROFESSIONS = (
    ("10", "Médecin", 35, (
        ("SM26", "Qualifié en médecine générale"), ("SM54", "Médecine générale"),
        ("SM04", "Cardiologie et maladies vasculaires"), ("SM39", "Pédiatrie"),
        ("SM41", "Psychiatrie"), ("SM15", "Dermatologie et vénéréologie"),
        ("SM20", "Gynécologie-obstétrique"), ("SM37", "Ophtalmologie"),
        ("SM02", "Anesthésie-réanimation"), ("SM43", "Radiodiagnostic"),
        ("SM32", "Neurologie"), ("SM24", "Gastro-entérologie et hépatologie"),
    ), 0),
    ("60", "Infirmier", 20, (), 30),
    ("21", "Pharmacien", 12, (), 0),
    ("70", "Masseur-kinésithérapeute", 8, (), 0),
    ("40", "Chirurgien-dentiste", 6, (
        ("SCD01", "Orthopédie dento-faciale"), ("SCD02", "Chirurgie orale"),
    ), 0),
    ("50", "Sage-femme", 4, (), 0),
    ("91", "Orthophoniste", 3, (), 50),
    ("80", "Pédicure-podologue", 2, (), 0),
    ("94", "Ergothérapeute", 2, (), 100),
    ("95", "Diététicien", 2, (), 100),
    ("96", "Psychomotricien", 2, (), 100),
    ("92", "Orthoptiste", 1, (), 50),
    ("28", "Opticien-lunetier", 1, (), 100),
    ("26", "Audioprothésiste", 1, (), 100),
    ("98", "Manipulateur ERM", 1, (), 100),
)
# fmt: on
